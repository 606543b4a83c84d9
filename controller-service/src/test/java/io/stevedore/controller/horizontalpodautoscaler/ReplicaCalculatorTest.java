package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import static io.stevedore.controller.horizontalpodautoscaler.HpaFixtures.NOW;
import static io.stevedore.controller.horizontalpodautoscaler.HpaFixtures.pod;
import static io.stevedore.controller.horizontalpodautoscaler.HpaFixtures.pods;
import static io.stevedore.controller.horizontalpodautoscaler.HpaFixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Cases after Kubernetes' replica_calculator_test.go. */
class ReplicaCalculatorTest {

	private final ReplicaCalculator calculator = new ReplicaCalculator(0.1, Duration.ofMinutes(5),
			Duration.ofSeconds(30));

	static Stream<Arguments> utilizationCases() {
		return Stream.of(
				Arguments.of("busy pods scale up to ceil(current x ratio)", 3, 30, pods(3, "1"),
						usage("p0", 300, "p1", 500, "p2", 700), 5, 50),
				Arguments.of("idle pods scale down to ceil(current x ratio)", 5, 50, pods(5, "1"),
						usage("p0", 100, "p1", 300, "p2", 500, "p3", 250, "p4", 250), 3, 28),
				Arguments.of("a ratio within the tolerance keeps the count", 3, 100,
						List.of(pod("p0", "900m"), pod("p1", "1"), pod("p2", "1100m")),
						usage("p0", 1010, "p1", 1030, "p2", 1020), 3, 102),
				Arguments.of("an unready pod counts as idle when scaling up", 3, 30,
						List.of(pod("p0", "1", "Running", "False"), pod("p1", "1"), pod("p2", "1")),
						usage("p0", 300, "p1", 500, "p2", 700), 4, 60),
				Arguments.of("a pending pod counts as idle when scaling up", 3, 30,
						List.of(pod("p0", "1", "Pending", null), pod("p1", "1"), pod("p2", "1")),
						usage("p1", 500, "p2", 700), 4, 60),
				Arguments.of("a pod without metrics counts as idle on a scale-up, which may leave the count", 2, 100,
						pods(2, "1"), usage("p0", 1900), 2, 190),
				Arguments.of("a pod without metrics counts as fully busy on a scale-down", 4, 50, pods(4, "1"),
						usage("p0", 100, "p1", 100, "p2", 100), 3, 10),
				Arguments.of("a pod without metrics that would reverse the direction keeps the count", 3, 50,
						pods(3, "1"), usage("p0", 400, "p1", 400), 3, 40),
				Arguments.of("failed and deleting pods are left out", 2, 50,
						List.of(pod("p0", "1"), pod("p1", "1"), pod("p2", "1", "Failed", "False"),
								new PodBuilder(pod("p3", "1")).editMetadata()
									.withDeletionTimestamp(NOW.toString())
									.endMetadata()
									.build()),
						usage("p0", 1000, "p1", 1000, "p2", 0, "p3", 0), 4, 100));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("utilizationCases")
	void utilizationTargetsProposeKubernetesCounts(String name, int current, int target, List<Pod> pods,
			Map<String, PodMetric> metrics, int expectedReplicas, int expectedUtilization) {
		ReplicaCalculator.Proposal proposal = this.calculator.utilizationReplicas(current, target, "cpu", pods, metrics,
				NOW);
		assertThat(proposal.replicas()).isEqualTo(expectedReplicas);
		assertThat(proposal.utilization()).isEqualTo(expectedUtilization);
	}

	@Test
	void aPodStillInItsCpuInitializationPeriodWithASampleFromBeforeItWasReadyIsNotTrusted() {
		List<Pod> pods = new ArrayList<>(pods(2, "1"));
		pods.set(1,
				new PodBuilder(pods.get(1)).editStatus()
					.withStartTime(NOW.minusSeconds(60).toString())
					.editFirstCondition()
					.withLastTransitionTime(NOW.minusSeconds(55).toString())
					.endCondition()
					.endStatus()
					.build());
		// p1's sample ended 60 s ago, before it became ready: a start-up spike, not load.
		ReplicaCalculator.Proposal proposal = this.calculator.utilizationReplicas(2, 25, "cpu", pods,
				usage("p0", 1000, "p1", 1000), NOW);
		// Trusted it would have made 8; as an idle pod on the way up it makes 4.
		assertThat(proposal.replicas()).isEqualTo(4);
	}

	@Test
	void anAverageValueTargetDividesTheMeanUsageByTheTarget() {
		ReplicaCalculator.Proposal proposal = this.calculator.averageValueReplicas(3, 500, "cpu", pods(3, "1"),
				usage("p0", 1000, "p1", 1000, "p2", 1000), NOW);
		assertThat(proposal.replicas()).isEqualTo(6);
		assertThat(proposal.rawAverage()).isEqualTo(1000);
	}

	@Test
	void aContainerWithoutARequestMakesUtilizationUndefined() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.calculator.utilizationReplicas(2, 50, "cpu",
					List.of(pod("p0", "1"), pod("p1", null)), usage("p0", 100, "p1", 100), NOW))
			.withMessage("missing request for cpu in container app of Pod p1");
	}

	@Test
	void noMetricsForAnyReadyPodIsAnError() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.calculator.utilizationReplicas(1, 50, "cpu",
					List.of(pod("p0", "1", "Pending", null)), usage(), NOW))
			.withMessage("did not receive metrics for targeted pods (pods might be unready)");
	}

}
