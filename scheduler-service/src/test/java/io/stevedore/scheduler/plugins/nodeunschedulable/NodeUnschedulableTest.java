package io.stevedore.scheduler.plugins.nodeunschedulable;

import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static io.stevedore.scheduler.testing.TestObjects.toleration;
import static org.assertj.core.api.Assertions.assertThat;

class NodeUnschedulableTest {

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("a schedulable node accepts any pod", false, List.of(), true),
				Arguments.of("a cordoned node rejects a pod", true, List.of(), false),
				Arguments.of("a cordoned node accepts a pod tolerating the unschedulable taint", true,
						List.of(toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule")), true),
				Arguments.of("a cordoned node rejects a pod tolerating only another taint", true,
						List.of(toleration("dedicated", "Exists", "", "NoSchedule")), false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void filter(String name, boolean unschedulable, List<Toleration> tolerations, boolean fits) {
		Node node = new NodeBuilder(node("n1").build()).editSpec().withUnschedulable(unschedulable).endSpec().build();
		PodInfo pod = PodInfo.of(pod("p").editSpec().withTolerations(tolerations).endSpec().build());

		Status status = new NodeUnschedulable().filter(new CycleState(), pod, NodeInfo.of(node));

		assertThat(status.isSuccess()).isEqualTo(fits);
		if (!fits) {
			assertThat(status.reasons()).containsExactly("node(s) were unschedulable");
		}
	}

}
