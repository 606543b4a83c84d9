package io.stevedore.scheduler.plugins.defaultpreemption;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.PostFilterPlugin;
import io.stevedore.scheduler.framework.Status;
import io.stevedore.scheduler.plugins.noderesources.NodeResourcesFit;
import io.stevedore.scheduler.plugins.tainttoleration.TaintToleration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static io.stevedore.scheduler.testing.TestObjects.taint;
import static org.assertj.core.api.Assertions.assertThat;

class DefaultPreemptionTest {

	private static PodInfo running(String name, String cpu, int priority, String node) {
		return PodInfo.of(pod(name, cpu, "").editSpec().withPriority(priority).withNodeName(node).endSpec().build());
	}

	private static Pod preemptor(String cpu, int priority, String policy) {
		return pod("preemptor", cpu, "").editSpec()
			.withPriority(priority)
			.withPreemptionPolicy(policy)
			.endSpec()
			.build();
	}

	/**
	 * n1 (4 cpu): low-1 (1 cpu, prio 1), low-2 (1 cpu, prio 1), mid (2 cpu, prio 5). n2
	 * (4 cpu): high (3 cpu, prio 100), low-3 (1 cpu, prio 2). n3: tainted, empty.
	 */
	private static NodeSnapshot cluster() {
		return NodeSnapshot.of(
				NodeInfo.of(node("n1", "4", "8Gi").build(), running("low-1", "1", 1, "n1"),
						running("low-2", "1", 1, "n1"), running("mid", "2", 5, "n1")),
				NodeInfo.of(node("n2", "4", "8Gi").build(), running("high", "3", 100, "n2"),
						running("low-3", "1", 2, "n2")),
				NodeInfo.of(new NodeBuilder(node("n3", "1", "8Gi").build()).editSpec()
					.withTaints(taint("dedicated", "x", "NoSchedule"))
					.endSpec()
					.build()));
	}

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("the fewest lowest-priority victims make room", preemptor("2", 10, null), "n1",
						List.of("low-1", "low-2")),
				Arguments.of("the node whose most important victim matters least wins, and only one pod goes",
						preemptor("1", 10, null), "n1", List.of("low-2")),
				Arguments.of("pods are given back most important first while the pod still fits",
						preemptor("3", 10, null), "n1", List.of("mid", "low-2")),
				Arguments.of("pods of equal or higher priority are never victims", preemptor("2", 1, null), null,
						List.of()),
				Arguments.of("a pod with preemptionPolicy Never preempts nobody", preemptor("2", 10, "Never"), null,
						List.of()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void postFilter(String name, Pod incoming, String nominated, List<String> victims) {
		NodeSnapshot snapshot = cluster();
		List<String> evicted = new ArrayList<>();
		DefaultPreemption plugin = new DefaultPreemption(
				(pod, node, chosen) -> chosen.forEach((v) -> evicted.add(v.pod().getMetadata().getName())),
				DisruptionBudgets.none());
		NodeResourcesFit fit = new NodeResourcesFit(NodeResourcesFit.Strategy.LEAST_ALLOCATED);
		TaintToleration taints = new TaintToleration();
		PostFilterPlugin.Filters filters = (state, pod, node) -> {
			Status status = taints.filter(state, pod, node);
			return status.isSuccess() ? fit.filter(state, pod, node) : status;
		};
		PostFilterPlugin.PostFilterResult result = afterFilters(plugin, PodInfo.of(incoming), snapshot, filters);

		assertThat(result.nominatedNodeName()).isEqualTo(nominated);
		assertThat(evicted).containsExactlyInAnyOrderElementsOf(victims);
	}

	/** Runs the filters on every node, as the scheduling cycle would, then preemption. */
	static PostFilterPlugin.PostFilterResult afterFilters(DefaultPreemption plugin, PodInfo pod, NodeSnapshot snapshot,
			PostFilterPlugin.Filters filters) {
		Map<String, Status> rejections = new java.util.HashMap<>();
		for (NodeInfo node : snapshot.nodes()) {
			rejections.put(node.name(), filters.run(new CycleState(), pod, node));
		}
		return plugin.postFilter(new CycleState(), pod, snapshot, rejections, filters);
	}

}
