package io.stevedore.scheduler.plugins.nodename;

import java.util.stream.Stream;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodeNameTest {

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("a pod naming no node fits any node", null, true),
				Arguments.of("a pod naming this node fits it", "n1", true),
				Arguments.of("a pod naming another node does not fit", "n2", false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void filter(String name, String nodeName, boolean fits) {
		PodInfo pod = PodInfo.of(pod("p").editSpec().withNodeName(nodeName).endSpec().build());

		Status status = new NodeName().filter(new CycleState(), pod, NodeInfo.of(node("n1").build()));

		assertThat(status.isSuccess()).isEqualTo(fits);
		if (!fits) {
			assertThat(status.reasons()).containsExactly("node(s) didn't match the requested node name");
		}
	}

}
