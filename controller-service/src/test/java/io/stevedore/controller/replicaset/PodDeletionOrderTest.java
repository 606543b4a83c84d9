package io.stevedore.controller.replicaset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each case: two pods equal but for one property; the first is the one to delete first.
 */
class PodDeletionOrderTest {

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("an unscheduled pod goes before a scheduled one",
				change(p -> p.getSpec().setNodeName(null)), change(p -> {
				})), Arguments.of("a pending pod goes before a running one",
						change(p -> p.getStatus().setPhase("Pending")), change(p -> {
						})),
				Arguments.of("an unknown pod goes before a running one", change(p -> p.getStatus().setPhase("Unknown")),
						change(p -> {
						})),
				Arguments.of("a not-ready pod goes before a ready one",
						change(p -> p.getStatus().getConditions().get(0).setStatus("False")), change(p -> {
						})),
				Arguments.of("a lower deletion cost goes first",
						change(p -> p.getMetadata().setAnnotations(Map.of(PodDeletionOrder.DELETION_COST, "-5"))),
						change(p -> {
						})),
				Arguments.of("a pod ready for less time goes before one ready for longer",
						change(p -> p.getStatus().getConditions().get(0).setLastTransitionTime("2026-01-01T00:08:00Z")),
						change(p -> {
						})),
				Arguments
					.of("a pod with more restarts goes first",
							change(p -> p.getStatus()
								.setContainerStatuses(List
									.of(new ContainerStatusBuilder().withName("app").withRestartCount(4).build()))),
							change(p -> {
							})),
				Arguments.of("a newer pod goes before an older one",
						change(p -> p.getMetadata().setCreationTimestamp("2026-01-01T00:05:00Z")), change(p -> {
						})));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void ordersLeastValuableFirst(String description, Consumer<Pod> first, Consumer<Pod> second) {
		var rs = ReplicaSetSyncTest.replicaSet("web", 1);
		Pod deleteFirst = ReplicaSetSyncTest.pod("first", rs, true, "node-1", "2026-01-01T00:00:00Z");
		Pod keep = ReplicaSetSyncTest.pod("second", rs, true, "node-1", "2026-01-01T00:00:00Z");
		first.accept(deleteFirst);
		second.accept(keep);
		List<Pod> pods = new ArrayList<>(List.of(keep, deleteFirst));

		pods.sort(PodDeletionOrder.LEAST_VALUABLE_FIRST);

		assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly("first", "second");
	}

	private static Consumer<Pod> change(Consumer<Pod> change) {
		return change;
	}

}
