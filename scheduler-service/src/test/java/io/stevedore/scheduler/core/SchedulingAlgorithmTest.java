package io.stevedore.scheduler.core;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.Framework;
import io.stevedore.scheduler.framework.Handle;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import io.stevedore.scheduler.plugins.InTreePlugins;
import io.stevedore.scheduler.plugins.defaultbinder.DefaultBinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static io.stevedore.scheduler.testing.TestObjects.taint;
import static org.assertj.core.api.Assertions.assertThat;

class SchedulingAlgorithmTest {

	static Framework defaultFramework() {
		return new Framework("default-scheduler",
				InTreePlugins.registry().register("FakeBinder", (h) -> new FakeBinder()),
				withFakeBinder(InTreePlugins.defaultPlugins()), new Handle(null, Clock.systemUTC(), Map.of()),
				Map.of());
	}

	static Map<String, Integer> withFakeBinder(Map<String, Integer> plugins) {
		Map<String, Integer> result = new LinkedHashMap<>(plugins);
		result.remove(DefaultBinder.NAME);
		result.put("FakeBinder", 0);
		return result;
	}

	private final SchedulingAlgorithm algorithm = new SchedulingAlgorithm(0, new SplittableRandom(1));

	@Test
	void theFailureMessageCountsEveryNodesReason() {
		NodeSnapshot snapshot = NodeSnapshot.of(NodeInfo.of(node("small1", "1", "8Gi").build()),
				NodeInfo.of(node("small2", "1", "8Gi").build()), NodeInfo.of(node("small3", "1", "8Gi").build()),
				NodeInfo.of(new NodeBuilder(node("gpu1").build()).editSpec()
					.withTaints(taint("dedicated", "gpu", "NoSchedule"))
					.endSpec()
					.build()),
				NodeInfo.of(new NodeBuilder(node("gpu2").build()).editSpec()
					.withTaints(taint("dedicated", "gpu", "NoSchedule"))
					.endSpec()
					.build()));

		ScheduleResult result = this.algorithm.schedule(defaultFramework(), new CycleState(),
				PodInfo.of(pod("p", "2", "").build()), snapshot);

		assertThat(result.nodeName()).isNull();
		assertThat(result.fitError().message()).isEqualTo(
				"0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.");
	}

	@Test
	void thePodGoesToTheOneNodeWithRoom() {
		NodeSnapshot snapshot = NodeSnapshot.of(NodeInfo.of(node("small", "1", "8Gi").build()),
				NodeInfo.of(node("big", "8", "8Gi").build()));

		ScheduleResult result = this.algorithm.schedule(defaultFramework(), new CycleState(),
				PodInfo.of(pod("p", "2", "").build()), snapshot);

		assertThat(result.nodeName()).isEqualTo("big");
	}

	@Test
	void equallyScoredNodesShareTheLoadAndTheSameSeedReplaysTheSameChoices() {
		NodeSnapshot snapshot = NodeSnapshot.of(NodeInfo.of(node("a").build()), NodeInfo.of(node("b").build()),
				NodeInfo.of(node("c").build()));
		Map<String, Integer> picks = new HashMap<>();
		StringBuilder first = new StringBuilder();
		StringBuilder second = new StringBuilder();
		SchedulingAlgorithm replay = new SchedulingAlgorithm(0, new SplittableRandom(1));
		for (int i = 0; i < 300; i++) {
			PodInfo pod = PodInfo.of(pod("p" + i).build());
			String node = this.algorithm.schedule(defaultFramework(), new CycleState(), pod, snapshot).nodeName();
			picks.merge(node, 1, Integer::sum);
			first.append(node);
			second.append(replay.schedule(defaultFramework(), new CycleState(), pod, snapshot).nodeName());
		}

		assertThat(picks).containsOnlyKeys("a", "b", "c");
		assertThat(picks.values()).allSatisfy((count) -> assertThat(count).isGreaterThan(60));
		assertThat(second.toString()).isEqualTo(first.toString());
	}

	static Stream<Arguments> feasibleCounts() {
		return Stream.of(Arguments.of("a cluster under 100 nodes filters every node", 50, 50),
				Arguments.of("500 nodes stop at 46% of the nodes", 500, 230),
				Arguments.of("5000 nodes stop at 10% of the nodes", 5000, 500),
				Arguments.of("never fewer than 100 nodes", 150, 100));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("feasibleCounts")
	void numFeasibleNodesToFind(String name, int nodes, int expected) {
		assertThat(this.algorithm.numFeasibleNodesToFind(nodes)).isEqualTo(expected);
	}

	@Test
	void aPodWithAMalformedFieldIsRejectedWithTheFieldInTheMessage() {
		NodeSnapshot snapshot = NodeSnapshot.of(NodeInfo.of(node("a").build()));
		PodInfo pod = PodInfo.of(pod("p").editSpec()
			.editFirstContainer()
			.editOrNewResources()
			.addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("lots"))
			.endResources()
			.endContainer()
			.endSpec()
			.build());

		ScheduleResult result = this.algorithm.schedule(defaultFramework(), new CycleState(), pod, snapshot);

		assertThat(result.fitError().message()).startsWith(
				"0/1 nodes are available: 1 spec.containers[0].resources.requests[cpu]: invalid quantity \"lots\"");
	}

	/** Binds nothing; unit tests never reach the API. */
	static final class FakeBinder implements io.stevedore.scheduler.framework.BindPlugin {

		@Override
		public String name() {
			return "FakeBinder";
		}

		@Override
		public Status bind(CycleState state, PodInfo pod, String nodeName) {
			return Status.success();
		}

	}

}
