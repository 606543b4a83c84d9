package io.stevedore.nodeagent.node;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.runtime.ImageSummary;
import io.stevedore.nodeagent.runtime.RuntimeInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeStatusFactoryTest {

	private static final RuntimeInfo DOCKER = new RuntimeInfo("docker", "20.10.24", "Debian GNU/Linux 12 (bookworm)",
			"6.1.0", "linux", "amd64", 2, 4L << 30);

	private final NodeStatusFactory factory = new NodeStatusFactory(
			new NodeIdentity("node-a", "192.168.1.10", "host-a", Path.of("/tmp")), 10250, 110);

	private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void capacityNodeInfoAndAddressesComeFromTheEngineAndTheHost() {
		NodeStatus status = this.factory.compute(DOCKER, List.of(new ImageSummary(List.of("busybox:1"), 5)), null, null,
				this.t0);
		assertThat(status.getCapacity().get("cpu").toString()).isEqualTo("2");
		assertThat(status.getCapacity().get("memory").toString()).isEqualTo("4194304Ki");
		assertThat(status.getCapacity().get("pods").toString()).isEqualTo("110");
		assertThat(status.getAllocatable()).isEqualTo(status.getCapacity());
		assertThat(status.getNodeInfo().getContainerRuntimeVersion()).isEqualTo("docker://20.10.24");
		assertThat(status.getNodeInfo().getArchitecture()).isEqualTo("amd64");
		assertThat(status.getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
			.containsExactly("InternalIP=192.168.1.10", "Hostname=host-a");
		assertThat(status.getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10250);
		assertThat(ready(status).getStatus()).isEqualTo("True");
	}

	@Test
	void anUnreachableEngineMakesTheNodeNotReadyWithTheReason() {
		NodeStatus status = this.factory.compute(null, List.of(), "connection refused", null, this.t0);
		assertThat(ready(status).getStatus()).isEqualTo("False");
		assertThat(ready(status).getReason()).isEqualTo("KubeletNotReady");
		assertThat(ready(status).getMessage()).isEqualTo("container runtime is down: connection refused");
	}

	@Test
	void anUnchangedNodeComputesAnEqualStatusLaterSoNothingIsWritten() {
		NodeStatus first = this.factory.compute(DOCKER, List.of(), null, null, this.t0);
		NodeStatus second = this.factory.compute(DOCKER, List.of(), null, first, this.t0.plusSeconds(10));
		assertThat(second).isEqualTo(first);
	}

	@Test
	void aConditionThatFlipsGetsANewTransitionTime() {
		NodeStatus ready = this.factory.compute(DOCKER, List.of(), null, null, this.t0);
		NodeStatus down = this.factory.compute(null, List.of(), "gone", ready, this.t0.plusSeconds(10));
		assertThat(ready(down).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:10Z");
		assertThat(NodeStatusFactory.withoutHeartbeats(down)).isNotEqualTo(NodeStatusFactory.withoutHeartbeats(ready));
	}

	@Test
	void thePressureTheEvictionManagerSeesIsItsConditionInTheKubeletsWords() {
		java.util.Set<String> pressure = new java.util.HashSet<>(java.util.Set.of("DiskPressure"));
		NodeStatusFactory withPressure = new NodeStatusFactory(
				new NodeIdentity("node-a", "192.168.1.10", "host-a", Path.of("/tmp")), 10250, 110,
				() -> java.util.Set.copyOf(pressure), NodeAllocatable.none());
		NodeStatus full = withPressure.compute(DOCKER, List.of(), null, null, this.t0);
		assertThat(full.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
			.containsExactly("MemoryPressure=False KubeletHasSufficientMemory",
					"DiskPressure=True KubeletHasDiskPressure", "PIDPressure=False KubeletHasSufficientPID",
					"Ready=True KubeletReady");
		assertThat(NodeConditionEvents.between(null, full)).contains("NodeHasDiskPressure");

		pressure.clear();
		NodeStatus freed = withPressure.compute(DOCKER, List.of(), null, full, this.t0.plusSeconds(10));
		assertThat(freed.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + " " + c.getMessage())
			.contains("DiskPressure=False kubelet has no disk pressure");
		assertThat(NodeConditionEvents.between(full, freed)).containsExactly("NodeHasNoDiskPressure");
	}

	private static NodeCondition ready(NodeStatus status) {
		return status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow();
	}

}
