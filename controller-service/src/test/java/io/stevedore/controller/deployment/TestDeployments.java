package io.stevedore.controller.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/**
 * Deployments for tests: one container, selector and template labels {@code app=<name>}.
 */
public final class TestDeployments {

	private TestDeployments() {
	}

	public static Deployment deployment(String name, int replicas, String image) {
		return new DeploymentBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withReplicas(replicas)
			.withNewSelector()
			.addToMatchLabels("app", name)
			.endSelector()
			.withNewStrategy()
			.withType("RollingUpdate")
			.withNewRollingUpdate()
			.endRollingUpdate()
			.endStrategy()
			.withNewTemplate()
			.withNewMetadata()
			.addToLabels("app", name)
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("app")
			.withImage(image)
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

}
