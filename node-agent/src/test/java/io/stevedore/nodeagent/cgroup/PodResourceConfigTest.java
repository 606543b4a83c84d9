package io.stevedore.nodeagent.cgroup;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodResourceConfigTest {

	private static final long MI = 1024 * 1024;

	static Container container(String name, Map<String, String> requests, Map<String, String> limits) {
		ContainerBuilder builder = new ContainerBuilder().withName(name).withImage("busybox");
		builder.withNewResources().endResources();
		requests.forEach((k, v) -> builder.editResources().addToRequests(k, new Quantity(v)).endResources());
		limits.forEach((k, v) -> builder.editResources().addToLimits(k, new Quantity(v)).endResources());
		return builder.build();
	}

	static Pod pod(String uid, Container... containers) {
		return new PodBuilder().withNewMetadata()
			.withName(uid)
			.withNamespace("default")
			.withUid(uid)
			.endMetadata()
			.withNewSpec()
			.withContainers(containers)
			.endSpec()
			.build();
	}

	@Test
	void aGuaranteedPodGetsTheSumOfItsRequestsAndLimits() {
		Map<String, String> each = Map.of("cpu", "250m", "memory", "64Mi");
		Pod pod = pod("g", container("a", each, each), container("b", each, each));

		assertThat(PodResourceConfig.of(pod)).isEqualTo(new ResourceConfig(512, 50_000, 100_000, 128 * MI));
	}

	@Test
	void aBurstablePodIsLimitedOnlyInWhatEveryContainerLimits() {
		Pod pod = pod("b", container("a", Map.of("cpu", "100m"), Map.of("cpu", "200m", "memory", "64Mi")),
				container("b", Map.of("cpu", "100m"), Map.of("cpu", "300m")));

		// one container without a memory limit leaves the pod unlimited in memory
		assertThat(PodResourceConfig.of(pod)).isEqualTo(new ResourceConfig(204, 50_000, 100_000, 0));
	}

	@Test
	void aBurstablePodWithoutLimitsHasItsRequestedShareOnly() {
		Pod pod = pod("b", container("a", Map.of("cpu", "100m", "memory", "32Mi"), Map.of()));

		assertThat(PodResourceConfig.of(pod)).isEqualTo(new ResourceConfig(102, 0, 0, 0));
	}

	@Test
	void aBestEffortPodGetsTheMinimumShares() {
		assertThat(PodResourceConfig.of(pod("e", container("a", Map.of(), Map.of()))))
			.isEqualTo(ResourceConfig.shares(2));
	}

	@Test
	void aLargerInitContainerSetsThePodsAmounts() {
		Map<String, String> app = Map.of("cpu", "100m", "memory", "16Mi");
		Map<String, String> init = Map.of("cpu", "1", "memory", "256Mi");
		Pod pod = new PodBuilder(pod("i", container("a", app, app))).editSpec()
			.withInitContainers(container("setup", init, init))
			.endSpec()
			.build();

		assertThat(PodResourceConfig.of(pod)).isEqualTo(new ResourceConfig(1024, 100_000, 100_000, 256 * MI));
	}

	@Test
	void aMissingRequestIsTheLimitAsTheApiserverDefaultsIt() {
		Pod pod = pod("l", container("a", Map.of(), Map.of("cpu", "500m", "memory", "64Mi")));

		assertThat(PodResourceConfig.cpuRequestMillis(pod)).isEqualTo(500);
		assertThat(PodResourceConfig.of(pod)).isEqualTo(new ResourceConfig(512, 50_000, 100_000, 64 * MI));
	}

}
