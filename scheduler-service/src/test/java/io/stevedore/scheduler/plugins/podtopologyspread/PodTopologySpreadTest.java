package io.stevedore.scheduler.plugins.podtopologyspread;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static io.stevedore.scheduler.testing.TestObjects.withLabels;
import static org.assertj.core.api.Assertions.assertThat;

class PodTopologySpreadTest {

	private final PodTopologySpread plugin = new PodTopologySpread();

	private static Pod web(String name) {
		return pod(name).editMetadata().addToLabels("app", "web").endMetadata().build();
	}

	private static Pod spreading(int maxSkew, String when, Integer minDomains) {
		return pod("p").editMetadata()
			.addToLabels("app", "web")
			.endMetadata()
			.editSpec()
			.withTopologySpreadConstraints(new TopologySpreadConstraintBuilder().withMaxSkew(maxSkew)
				.withTopologyKey("zone")
				.withWhenUnsatisfiable(when)
				.withMinDomains(minDomains)
				.withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
				.build())
			.endSpec()
			.build();
	}

	/** Zone a: 2 web pods; zone b: none; one node without the zone label. */
	private static NodeSnapshot cluster() {
		return NodeSnapshot.of(
				NodeInfo.of(withLabels(node("a1").build(), Map.of("zone", "a")), PodInfo.of(web("w1")),
						PodInfo.of(web("w2"))),
				NodeInfo.of(withLabels(node("b1").build(), Map.of("zone", "b"))), NodeInfo.of(node("x1").build()));
	}

	static Stream<Arguments> filterCases() {
		String skew = "node(s) didn't match pod topology spread constraints";
		String missing = "node(s) didn't match pod topology spread constraints (missing required label)";
		return Stream.of(
				Arguments.of("maxSkew 1 allows only the zone with fewer matching pods",
						spreading(1, "DoNotSchedule", null), List.of(skew, "", missing)),
				Arguments.of("maxSkew 3 allows both zones", spreading(3, "DoNotSchedule", null),
						List.of("", "", missing)),
				Arguments.of("with fewer domains than minDomains the minimum counts as zero",
						spreading(2, "DoNotSchedule", 3), List.of(skew, "", missing)),
				Arguments.of("ScheduleAnyway never filters", spreading(1, "ScheduleAnyway", null),
						List.of("", "", "")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("filterCases")
	void filter(String name, Pod incoming, List<String> reasonPerNode) {
		NodeSnapshot snapshot = cluster();
		CycleState state = new CycleState();
		PodInfo pod = PodInfo.of(incoming);
		Status preFilter = this.plugin.preFilter(state, pod, snapshot);
		List<String> reasons = new ArrayList<>();

		for (NodeInfo node : snapshot.nodes()) {
			Status status = preFilter.isSkip() ? Status.success() : this.plugin.filter(state, pod, node);
			reasons.add(String.join(",", status.reasons()));
		}

		assertThat(reasons).containsExactlyElementsOf(reasonPerNode);
	}

	@Test
	void scheduleAnywayPrefersTheDomainWithFewerMatchingPods() {
		NodeSnapshot snapshot = NodeSnapshot.of(NodeInfo.of(withLabels(node("a1").build(), Map.of("zone", "a")),
				PodInfo.of(web("w1")), PodInfo.of(web("w2"))),
				NodeInfo.of(withLabels(node("b1").build(), Map.of("zone", "b"))));
		PodInfo pod = PodInfo.of(spreading(1, "ScheduleAnyway", null));
		CycleState state = new CycleState();
		this.plugin.preScore(state, pod, snapshot.nodes(), snapshot);
		long[] scores = snapshot.nodes().stream().mapToLong((n) -> this.plugin.score(state, pod, n)).toArray();

		this.plugin.normalizeScore(state, pod, snapshot.nodes(), scores);

		assertThat(scores[1]).isGreaterThan(scores[0]);
		assertThat(scores[1]).isEqualTo(100);
	}

}
