package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PostFilterPlugin;
import io.stevedore.scheduler.plugins.noderesources.NodeResourcesFit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

/** Preemption with PodDisruptionBudgets: which node, which victims. */
class DefaultPreemptionPdbTest {

	private static PodInfo running(String name, String app, int priority, String node, String started) {
		return PodInfo.of(pod(name, "1", "").editMetadata()
			.addToLabels("app", app)
			.addToLabels("name", name)
			.endMetadata()
			.editSpec()
			.withPriority(priority)
			.withNodeName(node)
			.endSpec()
			.withNewStatus()
			.withStartTime(started)
			.endStatus()
			.build());
	}

	/**
	 * na (2 cpu): a-1 and a-2 (1 cpu each, priority 1, app=a; a-2 started first, so it is
	 * the more important). nb (2 cpu): b-1 and b-2 (1 cpu each, priority 2, app=b; b-1
	 * started first).
	 */
	private static NodeSnapshot cluster() {
		return NodeSnapshot.of(
				NodeInfo.of(node("na", "2", "8Gi").build(), running("a-1", "a", 1, "na", "2026-12-05T10:00:02Z"),
						running("a-2", "a", 1, "na", "2026-12-05T10:00:01Z")),
				NodeInfo.of(node("nb", "2", "8Gi").build(), running("b-1", "b", 2, "nb", "2026-12-05T10:00:01Z"),
						running("b-2", "b", 2, "nb", "2026-12-05T10:00:02Z")));
	}

	private static PodDisruptionBudget pdb(String namespace, String key, String value, int allowed,
			String... disrupted) {
		PodDisruptionBudgetBuilder builder = new PodDisruptionBudgetBuilder().withNewMetadata()
			.withName("pdb-" + value)
			.withNamespace(namespace)
			.endMetadata()
			.withNewSpec()
			.withNewSelector()
			.addToMatchLabels(key == null ? Map.of() : Map.of(key, value))
			.endSelector()
			.endSpec()
			.withNewStatus()
			.withDisruptionsAllowed(allowed)
			.endStatus();
		for (String name : disrupted) {
			builder.editStatus().addToDisruptedPods(name, "2026-12-05T10:00:00Z").endStatus();
		}
		return builder.build();
	}

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("without budgets the node whose victims matter least wins, and the later started pod goes",
						"1", List.of(), "na", List.of("a-1")),
				Arguments.of(
						"a budget allowing no disruption sends the preemption to the other node, at higher priority",
						"1", List.of(pdb("default", "app", "a", 0)), "nb", List.of("b-2")),
				Arguments.of(
						"a budget allowing one disruption charges the pods most important first, so the second would exceed it, is given back, and the first goes",
						"1", List.of(pdb("default", "app", "a", 1)), "na", List.of("a-2")),
				Arguments.of("a pod whose eviction would violate a budget is given back before the others", "1",
						List.of(pdb("default", "name", "a-1", 0), pdb("default", "app", "b", 0)), "na", List.of("a-2")),
				Arguments.of("when every node violates a budget, the node with the fewest violations wins", "2",
						List.of(pdb("default", "app", "a", 0), pdb("default", "app", "b", 1)), "nb",
						List.of("b-1", "b-2")),
				Arguments.of("a pod the budget already lists as disrupted is not charged again", "1",
						List.of(pdb("default", "app", "a", 0, "a-1")), "na", List.of("a-1")),
				Arguments.of("a budget in another namespace protects nothing here", "1",
						List.of(pdb("other", "app", "a", 0)), "na", List.of("a-1")),
				Arguments.of("a budget with an empty selector protects nothing", "1",
						List.of(pdb("default", null, "a", 0)), "na", List.of("a-1")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void postFilter(String name, String cpu, List<PodDisruptionBudget> pdbs, String nominated, List<String> victims) {
		NodeSnapshot snapshot = cluster();
		List<String> evicted = new ArrayList<>();
		DefaultPreemption plugin = new DefaultPreemption(
				(pod, node, chosen) -> chosen.forEach((v) -> evicted.add(v.pod().getMetadata().getName())), () -> pdbs);
		NodeResourcesFit fit = new NodeResourcesFit(NodeResourcesFit.Strategy.LEAST_ALLOCATED);
		PostFilterPlugin.Filters filters = fit::filter;
		Pod incoming = pod("preemptor", cpu, "").editSpec().withPriority(10).endSpec().build();
		PostFilterPlugin.PostFilterResult result = DefaultPreemptionTest.afterFilters(plugin, PodInfo.of(incoming),
				snapshot, filters);

		assertThat(result.nominatedNodeName()).isEqualTo(nominated);
		assertThat(evicted).containsExactlyInAnyOrderElementsOf(victims);
	}

	private static DefaultPreemption.Candidate candidate(String node, int violations, String... victims) {
		List<PodInfo> pods = new ArrayList<>();
		for (String victim : victims) {
			// "<priority>@<start second>"
			String[] parts = victim.split("@");
			pods.add(running(node + "-" + pods.size(), "x", Integer.parseInt(parts[0]), node,
					"2026-12-05T10:00:" + parts[1] + "Z"));
		}
		pods.sort(DefaultPreemption.MORE_IMPORTANT_FIRST);
		return new DefaultPreemption.Candidate(node, pods, violations);
	}

	static Stream<Arguments> choices() {
		return Stream.of(
				Arguments.of("fewer budget violations beat a less important victim", candidate("n1", 0, "9@01"),
						candidate("n2", 1, "1@01"), "n1"),
				Arguments.of("a less important most-important victim wins next", candidate("n1", 0, "5@01"),
						candidate("n2", 0, "4@01", "4@02", "4@03"), "n2"),
				Arguments.of("then the smaller sum of priorities", candidate("n1", 0, "5@01", "5@02"),
						candidate("n2", 0, "5@01", "1@02"), "n2"),
				Arguments.of("each priority counts shifted by 2^31, so fewer victims beat a smaller plain sum",
						candidate("n1", 0, "5@01", "5@02"), candidate("n2", 0, "5@01", "-5@02", "-5@03"), "n1"),
				Arguments.of("then the node whose most important victims started latest",
						candidate("n1", 0, "5@01", "5@09"), candidate("n2", 0, "5@05", "5@06"), "n2"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("choices")
	void pickOneNode(String name, DefaultPreemption.Candidate first, DefaultPreemption.Candidate second,
			String winner) {
		assertThat(Stream.of(first, second).min(DefaultPreemption.BETTER).orElseThrow().nodeName()).isEqualTo(winner);
		assertThat(Stream.of(second, first).min(DefaultPreemption.BETTER).orElseThrow().nodeName()).isEqualTo(winner);
	}

}
