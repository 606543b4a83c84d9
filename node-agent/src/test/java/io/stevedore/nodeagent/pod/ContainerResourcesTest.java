package io.stevedore.nodeagent.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerResourcesTest {

	@Test
	void cpuRequestBecomesSharesAndLimitBecomesQuotaAsTheKubeletComputesThem() {
		ContainerSpec.Resources resources = ContainerResources.of(container("250m", "500m", "128Mi"));
		assertThat(resources.cpuShares()).isEqualTo(256);
		assertThat(resources.cpuQuotaMicros()).isEqualTo(50_000);
		assertThat(resources.cpuPeriodMicros()).isEqualTo(100_000);
		assertThat(resources.memoryBytes()).isEqualTo(128L * 1024 * 1024);
	}

	@Test
	void aContainerWithoutResourcesGetsTheMinimumSharesAndNoLimits() {
		ContainerSpec.Resources resources = ContainerResources.of(new ContainerBuilder().withName("c").build());
		assertThat(resources).isEqualTo(new ContainerSpec.Resources(2, 0, 0, 0));
	}

	@Test
	void qosClassFollowsRequestsAndLimits() {
		assertThat(ContainerResources.qosClass(pod(container(null, null, null)))).isEqualTo("BestEffort");
		assertThat(ContainerResources.qosClass(pod(container("100m", null, null)))).isEqualTo("Burstable");
		Container guaranteed = new ContainerBuilder().withName("c")
			.withNewResources()
			.addToRequests("cpu", new Quantity("1"))
			.addToRequests("memory", new Quantity("1Gi"))
			.addToLimits("cpu", new Quantity("1"))
			.addToLimits("memory", new Quantity("1Gi"))
			.endResources()
			.build();
		assertThat(ContainerResources.qosClass(pod(guaranteed))).isEqualTo("Guaranteed");
	}

	private static io.fabric8.kubernetes.api.model.Pod pod(Container container) {
		return new PodBuilder().withNewSpec().withContainers(container).endSpec().build();
	}

	private static Container container(String cpuRequest, String cpuLimit, String memoryLimit) {
		var resources = new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder();
		if (cpuRequest != null) {
			resources.addToRequests("cpu", new Quantity(cpuRequest));
		}
		if (cpuLimit != null) {
			resources.addToLimits("cpu", new Quantity(cpuLimit));
		}
		if (memoryLimit != null) {
			resources.addToLimits("memory", new Quantity(memoryLimit));
		}
		return new ContainerBuilder().withName("c").withResources(resources.build()).build();
	}

}
