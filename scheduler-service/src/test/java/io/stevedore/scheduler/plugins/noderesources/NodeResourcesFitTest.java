package io.stevedore.scheduler.plugins.noderesources;

import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
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
import static org.assertj.core.api.Assertions.assertThat;

class NodeResourcesFitTest {

	private final NodeResourcesFit leastAllocated = new NodeResourcesFit(NodeResourcesFit.Strategy.LEAST_ALLOCATED);

	private static Pod withInit(Pod pod, String cpu) {
		return new PodBuilder(pod).editSpec()
			.addToInitContainers(new ContainerBuilder().withName("init")
				.withNewResources()
				.addToRequests("cpu", new Quantity(cpu))
				.endResources()
				.build())
			.endSpec()
			.build();
	}

	static Stream<Arguments> filterCases() {
		return Stream.of(Arguments.of("a pod within the free cpu and memory fits", pod("p", "1", "1Gi").build(), ""),
				Arguments.of("a pod asking more cpu than is free is rejected for cpu", pod("p", "3500m", "1Gi").build(),
						"Insufficient cpu"),
				Arguments.of("a pod asking more memory than is free is rejected for memory",
						pod("p", "1", "7500Mi").build(), "Insufficient memory"),
				Arguments.of("every shortfall is listed", pod("p", "4", "8Gi").build(),
						"Insufficient cpu,Insufficient memory"),
				Arguments.of("the largest init container counts when it exceeds the app containers",
						withInit(pod("p", "100m", "").build(), "3500m"), "Insufficient cpu"),
				Arguments.of("a small init container does not add to the app containers",
						withInit(pod("p", "2", "").build(), "1"), ""),
				Arguments.of("the pod overhead is added to the requests",
						new PodBuilder(pod("p", "2900m", "").build()).editSpec()
							.withOverhead(Map.of("cpu", new Quantity("200m")))
							.endSpec()
							.build(),
						"Insufficient cpu"),
				Arguments.of("an extended resource the node lacks is insufficient",
						new PodBuilder(pod("p").build()).editSpec()
							.editFirstContainer()
							.editOrNewResources()
							.addToRequests("example.com/gpu", new Quantity("1"))
							.endResources()
							.endContainer()
							.endSpec()
							.build(),
						"Insufficient example.com/gpu"),
				Arguments.of("a pod asking more ephemeral storage than is free is rejected",
						new PodBuilder(pod("p").build()).editSpec()
							.editFirstContainer()
							.editOrNewResources()
							.addToRequests("ephemeral-storage", new Quantity("200Gi"))
							.endResources()
							.endContainer()
							.endSpec()
							.build(),
						"Insufficient ephemeral-storage"));
	}

	/** The node: 4 cpu, 8Gi, 110 pods; one pod already requests 1 cpu and 1Gi. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("filterCases")
	void filter(String name, Pod pod, String reasons) {
		NodeInfo node = NodeInfo.of(node("n1", "4", "8Gi").build(), PodInfo.of(pod("existing", "1", "1Gi").build()));

		Status status = this.leastAllocated.filter(new CycleState(), PodInfo.of(pod), node);

		assertThat(String.join(",", status.reasons())).isEqualTo(reasons);
		assertThat(status.isSuccess()).isEqualTo(reasons.isEmpty());
	}

	@Test
	void aFullNodeRejectsAnotherPodWithTooManyPods() {
		NodeInfo node = NodeInfo.of(new io.fabric8.kubernetes.api.model.NodeBuilder(node("n1").build()).editStatus()
			.addToAllocatable("pods", new Quantity("1"))
			.endStatus()
			.build(), PodInfo.of(pod("existing").build()));

		Status status = this.leastAllocated.filter(new CycleState(), PodInfo.of(pod("p").build()), node);

		assertThat(status.reasons()).containsExactly("Too many pods");
	}

	@Test
	void leastAllocatedPrefersTheEmptierNodeAndMostAllocatedTheFuller() {
		NodeInfo empty = NodeInfo.of(node("empty", "4", "8Gi").build());
		NodeInfo busy = NodeInfo.of(node("busy", "4", "8Gi").build(), PodInfo.of(pod("x", "2", "4Gi").build()));
		PodInfo pod = PodInfo.of(pod("p", "1", "2Gi").build());
		NodeResourcesFit mostAllocated = new NodeResourcesFit(NodeResourcesFit.Strategy.MOST_ALLOCATED);

		assertThat(this.leastAllocated.score(new CycleState(), pod, empty)).isEqualTo(75);
		assertThat(this.leastAllocated.score(new CycleState(), pod, busy)).isEqualTo(25);
		assertThat(mostAllocated.score(new CycleState(), pod, empty)).isEqualTo(25);
		assertThat(mostAllocated.score(new CycleState(), pod, busy)).isEqualTo(75);
	}

	@Test
	void anUnknownScoringStrategyIsRejectedNamingTheSetting() {
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> NodeResourcesFit
				.create(new io.stevedore.scheduler.framework.Handle(null, null, Map.of("scoring-strategy", "Random"))))
			.hasMessageContaining("plugin-args.NodeResourcesFit.scoring-strategy")
			.hasMessageContaining("Random");
	}

}
