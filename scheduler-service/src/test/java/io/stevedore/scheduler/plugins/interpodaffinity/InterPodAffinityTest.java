package io.stevedore.scheduler.plugins.interpodaffinity;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
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

class InterPodAffinityTest {

	private final InterPodAffinity plugin = new InterPodAffinity();

	private static PodAffinityTerm term(String app, String topologyKey, String... namespaces) {
		return new PodAffinityTermBuilder()
			.withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", app).build())
			.withTopologyKey(topologyKey)
			.withNamespaces(namespaces)
			.build();
	}

	private static Pod labelled(String name, String app, Affinity affinity) {
		return pod(name).editMetadata()
			.addToLabels("app", app)
			.endMetadata()
			.editSpec()
			.withAffinity(affinity)
			.endSpec()
			.build();
	}

	private static Affinity anti(PodAffinityTerm term) {
		return new AffinityBuilder().withNewPodAntiAffinity()
			.withRequiredDuringSchedulingIgnoredDuringExecution(term)
			.endPodAntiAffinity()
			.build();
	}

	private static Affinity affinity(PodAffinityTerm term) {
		return new AffinityBuilder().withNewPodAffinity()
			.withRequiredDuringSchedulingIgnoredDuringExecution(term)
			.endPodAffinity()
			.build();
	}

	/** Two zones: a (nodes a1, a2) and b (node b1); a "db" pod runs on a1. */
	private static NodeSnapshot cluster(Pod existing) {
		return NodeSnapshot.of(NodeInfo.of(withLabels(node("a1").build(), Map.of("zone", "a")), PodInfo.of(existing)),
				NodeInfo.of(withLabels(node("a2").build(), Map.of("zone", "a"))),
				NodeInfo.of(withLabels(node("b1").build(), Map.of("zone", "b"))));
	}

	static Stream<Arguments> filterCases() {
		Pod db = labelled("db", "db", null);
		return Stream.of(
				Arguments.of("anti-affinity by hostname keeps the pod off the node running a match only", db,
						labelled("p", "web", anti(term("db", "kubernetes.io/hostname"))),
						List.of("node(s) didn't match pod anti-affinity rules", "", "")),
				Arguments.of("anti-affinity by zone keeps the pod out of the whole zone", db,
						labelled("p", "web", anti(term("db", "zone"))),
						List.of("node(s) didn't match pod anti-affinity rules",
								"node(s) didn't match pod anti-affinity rules", "")),
				Arguments.of("affinity by zone allows only the zone running a match", db,
						labelled("p", "web", affinity(term("db", "zone"))),
						List.of("", "", "node(s) didn't match pod affinity rules")),
				Arguments.of("affinity to pods in another namespace ignores matches in the pod's own", db,
						labelled("p", "web", affinity(term("db", "zone", "other"))),
						List.of("node(s) didn't match pod affinity rules", "node(s) didn't match pod affinity rules",
								"node(s) didn't match pod affinity rules")),
				Arguments.of("the first pod of a group with affinity to itself may go anywhere", db,
						labelled("p", "cache", affinity(term("cache", "zone"))), List.of("", "", "")),
				Arguments.of("an existing pod's anti-affinity keeps a matching pod away (symmetry)",
						labelled("db", "db", anti(term("web", "zone"))), labelled("p", "web", null),
						List.of("node(s) didn't satisfy existing pods anti-affinity rules",
								"node(s) didn't satisfy existing pods anti-affinity rules", "")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("filterCases")
	void filter(String name, Pod existing, Pod incoming, List<String> reasonPerNode) {
		NodeSnapshot snapshot = cluster(existing);
		CycleState state = new CycleState();
		PodInfo pod = PodInfo.of(incoming);
		Status preFilter = this.plugin.preFilter(state, pod, snapshot);

		for (int i = 0; i < snapshot.nodes().size(); i++) {
			String expected = reasonPerNode.get(i);
			Status status = preFilter.isSkip() ? Status.success()
					: this.plugin.filter(state, pod, snapshot.nodes().get(i));
			assertThat(String.join(",", status.reasons())).as(snapshot.nodes().get(i).name()).isEqualTo(expected);
		}
	}

	@Test
	void preferredAntiAffinityScoresTheZoneWithoutAMatchHighest() {
		NodeSnapshot snapshot = cluster(labelled("db", "db", null));
		Affinity preferred = new AffinityBuilder().withNewPodAntiAffinity()
			.withPreferredDuringSchedulingIgnoredDuringExecution(
					new WeightedPodAffinityTermBuilder().withWeight(50).withPodAffinityTerm(term("db", "zone")).build())
			.endPodAntiAffinity()
			.build();
		PodInfo pod = PodInfo.of(labelled("p", "web", preferred));
		CycleState state = new CycleState();
		this.plugin.preScore(state, pod, snapshot.nodes(), snapshot);
		long[] scores = snapshot.nodes().stream().mapToLong((n) -> this.plugin.score(state, pod, n)).toArray();

		this.plugin.normalizeScore(state, pod, snapshot.nodes(), scores);

		assertThat(scores).containsExactly(0, 0, 100);
	}

	@Test
	void aMalformedTermKeepsThePodOutNamingTheField() {
		Pod pod = labelled("p", "web",
				anti(new PodAffinityTermBuilder()
					.withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "db").build())
					.build()));

		assertThat(PodInfo.of(pod).invalid())
			.isEqualTo("spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: "
					+ "Required value: can not be empty");
	}

}
