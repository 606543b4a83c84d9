package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.controller.horizontalpodautoscaler.HpaFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class ScaleNormalizerTest {

	private final ScaleNormalizer normalizer = new ScaleNormalizer(Duration.ofMinutes(5));

	static HPAScalingPolicy policy(String type, int value, int period) {
		return new HPAScalingPolicy(period, type, value);
	}

	/**
	 * As the apiserver defaults a behavior: scale-up 4 pods or 100 % per 15 s, scale-down
	 * 100 %.
	 */
	static HorizontalPodAutoscalerBehavior behavior(String upSelect, List<HPAScalingPolicy> up, Integer downWindow,
			String downSelect, List<HPAScalingPolicy> down) {
		return new HorizontalPodAutoscalerBehavior(new HPAScalingRules(down, downSelect, downWindow, null),
				new HPAScalingRules(up, upSelect, 0, null));
	}

	static final List<HPAScalingPolicy> DEFAULT_UP = List.of(policy("Pods", 4, 15), policy("Percent", 100, 15));

	static final List<HPAScalingPolicy> DEFAULT_DOWN = List.of(policy("Percent", 100, 15));

	static Stream<Arguments> firstSyncCases() {
		return Stream.of(
				Arguments.of("without behavior a scale-up is limited to double or 4", null, 1, 20, 2, 10, 4,
						"ScaleUpLimit"),
				Arguments.of("without behavior maxReplicas caps the proposal", null, 1, 3, 1, 10, 3, "TooManyReplicas"),
				Arguments.of("without behavior minReplicas raises the proposal", null, 2, 10, 3, 1, 2,
						"TooFewReplicas"),
				Arguments.of("the default behavior takes the larger of 4 pods and 100 %",
						behavior("Max", DEFAULT_UP, 0, "Max", DEFAULT_DOWN), 1, 100, 10, 50, 20, "ScaleUpLimit"),
				Arguments.of("selectPolicy Min takes the smaller of 4 pods and 100 %",
						behavior("Min", DEFAULT_UP, 0, "Max", DEFAULT_DOWN), 1, 100, 10, 50, 14, "ScaleUpLimit"),
				Arguments.of("selectPolicy Disabled never scales up",
						behavior("Disabled", DEFAULT_UP, 0, "Max", DEFAULT_DOWN), 1, 100, 10, 50, 10, "ScaleUpLimit"),
				Arguments.of("a Pods scale-down policy removes that many per period",
						behavior("Max", DEFAULT_UP, 0, "Max", List.of(policy("Pods", 2, 60))), 1, 100, 10, 1, 8,
						"ScaleDownLimit"),
				Arguments.of("a Percent scale-down policy rounds the remaining count down",
						behavior("Max", DEFAULT_UP, 0, "Max", List.of(policy("Percent", 25, 60))), 1, 100, 10, 1, 7,
						"ScaleDownLimit"),
				Arguments.of("scale-down selectPolicy Min removes the fewer pods",
						behavior("Max", DEFAULT_UP, 0, "Min",
								List.of(policy("Pods", 2, 60), policy("Percent", 50, 60))),
						1, 100, 10, 1, 8, "ScaleDownLimit"),
				Arguments.of("a proposal within every limit is taken as is",
						behavior("Max", DEFAULT_UP, 0, "Max", DEFAULT_DOWN), 1, 100, 10, 12, 12, "DesiredWithinRange"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("firstSyncCases")
	void theFirstProposalIsLimitedAsKubernetesLimitsIt(String name, HorizontalPodAutoscalerBehavior behavior, int min,
			int max, int current, int desired, int expected, String reason) {
		ScaleNormalizer.Normalized normalized = this.normalizer
			.normalize(new ScaleNormalizer.Args("default/web", behavior, min, max, current, desired), NOW);
		assertThat(normalized.replicas()).isEqualTo(expected);
		assertThat(normalized.limitReason()).isEqualTo(reason);
	}

	@Test
	void withoutBehaviorAScaleDownWaitsForTheHighestRecommendationOfTheLastFiveMinutes() {
		normalize(null, 5, 5, NOW);
		ScaleNormalizer.Normalized stabilized = normalize(null, 5, 2, NOW.plusSeconds(60));
		assertThat(stabilized.replicas()).isEqualTo(5);
		assertThat(stabilized.ableReason()).isEqualTo("ScaleDownStabilized");
		assertThat(normalize(null, 5, 2, NOW.plusSeconds(301)).replicas()).isEqualTo(2);
	}

	@Test
	void aBehaviorScaleDownWindowLeftUnsetIsTheControllersFiveMinutes() {
		HorizontalPodAutoscalerBehavior behavior = behavior("Max", DEFAULT_UP, null, "Max", DEFAULT_DOWN);
		normalize(behavior, 5, 5, NOW);
		assertThat(normalize(behavior, 5, 2, NOW.plusSeconds(299)).replicas()).isEqualTo(5);
		assertThat(normalize(behavior, 5, 2, NOW.plusSeconds(301)).replicas()).isEqualTo(2);
	}

	@Test
	void aScaleUpStabilizationWindowTakesTheLowestRecentRecommendation() {
		HorizontalPodAutoscalerBehavior behavior = new HorizontalPodAutoscalerBehavior(
				new HPAScalingRules(DEFAULT_DOWN, "Max", 0, null), new HPAScalingRules(DEFAULT_UP, "Max", 60, null));
		normalize(behavior, 2, 2, NOW);
		assertThat(normalize(behavior, 2, 6, NOW.plusSeconds(30)).replicas()).isEqualTo(2);
		assertThat(normalize(behavior, 2, 6, NOW.plusSeconds(61)).replicas()).isEqualTo(6);
	}

	@Test
	void scaleEventsWithinAPolicyPeriodCountAgainstItsLimit() {
		HorizontalPodAutoscalerBehavior behavior = behavior("Max", DEFAULT_UP, 0, "Max",
				List.of(policy("Pods", 1, 60)));
		assertThat(normalize(behavior, 10, 1, NOW).replicas()).isEqualTo(9);
		this.normalizer.recordScale("default/web", behavior, 10, 9, NOW);
		assertThat(normalize(behavior, 9, 1, NOW.plusSeconds(15)).replicas()).isEqualTo(9);
		assertThat(normalize(behavior, 9, 1, NOW.plusSeconds(61)).replicas()).isEqualTo(8);
	}

	private ScaleNormalizer.Normalized normalize(HorizontalPodAutoscalerBehavior behavior, int current, int desired,
			java.time.Instant at) {
		return this.normalizer.normalize(new ScaleNormalizer.Args("default/web", behavior, 1, 100, current, desired),
				at);
	}

}
