package io.stevedore.machinery.defaulting;

import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmptySpecAndStatusTest {

	@Test
	void aNodeRegisteredWithoutSpecOrStatusGetsEmptyOnes() {
		Node node = new NodeBuilder().withNewMetadata().withName("n").endMetadata().build();
		EmptySpecAndStatus.fill(node);
		assertThat(node.getSpec()).isNotNull();
		assertThat(node.getSpec().getUnschedulable()).isNull();
		assertThat(node.getStatus()).isNotNull();
	}

	@Test
	void aSpecThatIsThereIsKeptAsItIs() {
		Node node = new NodeBuilder().withNewMetadata()
			.withName("n")
			.endMetadata()
			.withSpec(new NodeSpecBuilder().withUnschedulable(true).build())
			.build();
		var spec = node.getSpec();
		EmptySpecAndStatus.fill(node);
		assertThat(node.getSpec()).isSameAs(spec);
		assertThat(node.getSpec().getUnschedulable()).isTrue();
	}

	@Test
	void aDeploymentGetsAnEmptyStatusAsKubernetesWritesOnCreate() {
		Deployment deployment = new DeploymentBuilder().withNewMetadata().withName("d").endMetadata().build();
		EmptySpecAndStatus.fill(deployment);
		assertThat(deployment.getStatus()).isNotNull();
		assertThat(deployment.getStatus().getReplicas()).isNull();
	}

	@Test
	void kindsWithoutOneOfThePartsGetOnlyTheOtherOrNone() {
		Lease lease = new LeaseBuilder().withNewMetadata().withName("l").endMetadata().build();
		EmptySpecAndStatus.fill(lease);
		assertThat(lease.getSpec()).isNotNull();
		// NetworkPolicy has had no status since Kubernetes 1.28; ConfigMap has neither.
		NetworkPolicy policy = new NetworkPolicyBuilder().withNewMetadata().withName("p").endMetadata().build();
		EmptySpecAndStatus.fill(policy);
		assertThat(policy.getSpec()).isNotNull();
		var configMap = new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build();
		var before = new ConfigMapBuilder(configMap).build();
		EmptySpecAndStatus.fill(configMap);
		assertThat(configMap).isEqualTo(before);
	}

	@Test
	void aCustomResourceKeepsExactlyWhatWasSent() {
		GenericKubernetesResource resource = new GenericKubernetesResource();
		resource.setApiVersion("example.com/v1");
		resource.setKind("Widget");
		resource.setAdditionalProperties(Map.of("size", 3));
		EmptySpecAndStatus.fill(resource);
		assertThat(resource.getAdditionalProperties()).containsOnlyKeys("size");
	}

}
