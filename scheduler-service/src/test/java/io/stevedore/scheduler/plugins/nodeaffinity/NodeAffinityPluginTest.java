package io.stevedore.scheduler.plugins.nodeaffinity;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
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

class NodeAffinityPluginTest {

	private final NodeAffinityPlugin plugin = new NodeAffinityPlugin();

	private static final Map<String, String> NODE_LABELS = Map.of("zone", "a", "disktype", "ssd", "cores", "16");

	private static NodeSelectorRequirement req(String key, String operator, String... values) {
		return new NodeSelectorRequirementBuilder().withKey(key).withOperator(operator).withValues(values).build();
	}

	private static Affinity required(NodeSelectorRequirement... requirements) {
		return new AffinityBuilder().withNewNodeAffinity()
			.withNewRequiredDuringSchedulingIgnoredDuringExecution()
			.withNodeSelectorTerms(new NodeSelectorTermBuilder().withMatchExpressions(requirements).build())
			.endRequiredDuringSchedulingIgnoredDuringExecution()
			.endNodeAffinity()
			.build();
	}

	static Stream<Arguments> filterCases() {
		return Stream.of(Arguments.of("a pod without selector or affinity fits", Map.of(), null, true),
				Arguments.of("a nodeSelector the node's labels satisfy fits", Map.of("zone", "a"), null, true),
				Arguments.of("a nodeSelector with another value does not fit", Map.of("zone", "b"), null, false),
				Arguments.of("In with the node's value fits", Map.of(), required(req("zone", "In", "a", "b")), true),
				Arguments.of("In without the node's value does not fit", Map.of(), required(req("zone", "In", "c")),
						false),
				Arguments.of("NotIn with the node's value does not fit", Map.of(), required(req("zone", "NotIn", "a")),
						false),
				Arguments.of("NotIn on a missing label fits", Map.of(), required(req("gpu", "NotIn", "x")), true),
				Arguments.of("Exists on a present label fits", Map.of(), required(req("disktype", "Exists")), true),
				Arguments.of("DoesNotExist on a present label does not fit", Map.of(),
						required(req("disktype", "DoesNotExist")), false),
				Arguments.of("Gt below the node's integer fits", Map.of(), required(req("cores", "Gt", "8")), true),
				Arguments.of("Lt below the node's integer does not fit", Map.of(), required(req("cores", "Lt", "8")),
						false),
				Arguments.of("Gt with a value that is not an integer does not fit", Map.of(),
						required(req("cores", "Gt", "many")), false),
				Arguments.of("requirements of one term must all hold", Map.of(),
						required(req("zone", "In", "a"), req("disktype", "In", "hdd")), false),
				Arguments.of("the selector and the affinity must both hold", Map.of("zone", "b"),
						required(req("zone", "In", "a")), false),
				Arguments.of("a term with no requirements matches nothing", Map.of(),
						new AffinityBuilder().withNewNodeAffinity()
							.withNewRequiredDuringSchedulingIgnoredDuringExecution()
							.withNodeSelectorTerms(new NodeSelectorTermBuilder().build())
							.endRequiredDuringSchedulingIgnoredDuringExecution()
							.endNodeAffinity()
							.build(),
						false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("filterCases")
	void filter(String name, Map<String, String> nodeSelector, Affinity affinity, boolean fits) {
		PodInfo pod = PodInfo
			.of(pod("p").editSpec().withNodeSelector(nodeSelector).withAffinity(affinity).endSpec().build());
		NodeInfo node = NodeInfo.of(withLabels(node("n1").build(), NODE_LABELS));

		Status status = this.plugin.filter(new CycleState(), pod, node);

		assertThat(status.isSuccess()).isEqualTo(fits);
		if (!fits) {
			assertThat(status.reasons()).containsExactly("node(s) didn't match Pod's node affinity/selector");
		}
	}

	@Test
	void matchFieldsOnMetadataNameSelectsTheNamedNodeOnly() {
		Affinity affinity = new AffinityBuilder().withNewNodeAffinity()
			.withNewRequiredDuringSchedulingIgnoredDuringExecution()
			.withNodeSelectorTerms(
					new NodeSelectorTermBuilder().withMatchFields(req("metadata.name", "In", "n2")).build())
			.endRequiredDuringSchedulingIgnoredDuringExecution()
			.endNodeAffinity()
			.build();
		PodInfo pod = PodInfo.of(pod("p").editSpec().withAffinity(affinity).endSpec().build());

		assertThat(this.plugin.filter(new CycleState(), pod, NodeInfo.of(node("n1").build())).isSuccess()).isFalse();
		assertThat(this.plugin.filter(new CycleState(), pod, NodeInfo.of(node("n2").build())).isSuccess()).isTrue();
	}

	@Test
	void preferredTermsScoreTheNodeMatchingTheHeaviestTermsHighest() {
		Affinity affinity = new AffinityBuilder().withNewNodeAffinity()
			.withPreferredDuringSchedulingIgnoredDuringExecution(
					new PreferredSchedulingTermBuilder().withWeight(80)
						.withNewPreference()
						.withMatchExpressions(req("zone", "In", "a"))
						.endPreference()
						.build(),
					new PreferredSchedulingTermBuilder().withWeight(20)
						.withNewPreference()
						.withMatchExpressions(req("zone", "In", "b"))
						.endPreference()
						.build())
			.endNodeAffinity()
			.build();
		PodInfo pod = PodInfo.of(pod("p").editSpec().withAffinity(affinity).endSpec().build());
		List<NodeInfo> nodes = List.of(NodeInfo.of(withLabels(node("a").build(), Map.of("zone", "a"))),
				NodeInfo.of(withLabels(node("b").build(), Map.of("zone", "b"))),
				NodeInfo.of(withLabels(node("c").build(), Map.of("zone", "c"))));
		long[] scores = nodes.stream().mapToLong((n) -> this.plugin.score(new CycleState(), pod, n)).toArray();

		this.plugin.normalizeScore(new CycleState(), pod, nodes, scores);

		assertThat(scores).containsExactly(100, 25, 0);
	}

}
