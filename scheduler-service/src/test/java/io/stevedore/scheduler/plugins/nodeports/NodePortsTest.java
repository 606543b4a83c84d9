package io.stevedore.scheduler.plugins.nodeports;

import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.NodeSnapshot;
import io.stevedore.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

class NodePortsTest {

	private static Pod withHostPort(String name, String ip, String protocol, int port) {
		return pod(name).editSpec()
			.editFirstContainer()
			.withPorts(new ContainerPortBuilder().withContainerPort(80)
				.withHostPort(port)
				.withHostIP(ip)
				.withProtocol(protocol)
				.build())
			.endContainer()
			.endSpec()
			.build();
	}

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("another port is free", withHostPort("p", "", "TCP", 8081), true),
				Arguments.of("the same port and protocol on every address conflicts",
						withHostPort("p", "", "TCP", 8080), false),
				Arguments.of("the same port over UDP does not conflict", withHostPort("p", "", "UDP", 8080), true),
				Arguments.of("the same port on one address conflicts with every address",
						withHostPort("p", "10.0.0.1", "TCP", 8080), false));
	}

	/** The node already runs a pod with host port 8080/TCP on 0.0.0.0. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void filter(String name, Pod pod, boolean fits) {
		NodeInfo node = NodeInfo.of(node("n1").build(), PodInfo.of(withHostPort("existing", "", "TCP", 8080)));

		assertThat(new NodePorts().filter(new CycleState(), PodInfo.of(pod), node).isSuccess()).isEqualTo(fits);
	}

	@Test
	void aPodWithoutHostPortsSkipsTheFilter() {
		assertThat(
				new NodePorts().preFilter(new CycleState(), PodInfo.of(pod("p").build()), NodeSnapshot.of()).isSkip())
			.isTrue();
	}

}
