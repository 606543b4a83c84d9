package io.stevedore.nodeagent.node;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class NodeConditionEventsTest {

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("a new node records the three pressures but not Ready", null,
						status("MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"),
						List.of("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID")),
				Arguments.of("nothing moved records nothing",
						status("MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"),
						status("MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"),
						List.of()),
				Arguments.of("Ready back from the controller's Unknown is NodeReady",
						status("MemoryPressure=Unknown", "Ready=Unknown"), status("MemoryPressure=False", "Ready=True"),
						List.of("NodeHasSufficientMemory", "NodeReady")),
				Arguments.of("a runtime outage is NodeNotReady", status("Ready=True"), status("Ready=False"),
						List.of("NodeNotReady")),
				Arguments.of("pressures coming on have their own words",
						status("MemoryPressure=False", "DiskPressure=False", "PIDPressure=False"),
						status("MemoryPressure=True", "DiskPressure=True", "PIDPressure=True"),
						List.of("NodeHasInsufficientMemory", "NodeHasDiskPressure", "NodeHasInsufficientPID")),
				Arguments.of("conditions the kubelet does not own record nothing", status("NetworkUnavailable=False"),
						status("NetworkUnavailable=True"), List.of()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void recordsWhatTheKubeletsSettersRecord(String name, NodeStatus previous, NodeStatus next, List<String> reasons) {
		assertThat(NodeConditionEvents.between(previous, next)).containsExactlyElementsOf(reasons);
	}

	private static NodeStatus status(String... conditions) {
		List<NodeCondition> list = new ArrayList<>();
		for (String condition : conditions) {
			String[] parts = condition.split("=");
			list.add(new NodeConditionBuilder().withType(parts[0]).withStatus(parts[1]).build());
		}
		return new NodeStatusBuilder().withConditions(list).build();
	}

}
