package io.stevedore.nodeagent.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.testsupport.docker.TestImages;

/** Pod builders for the agent's tests: bound to a node at creation, busybox image. */
public final class TestPods {

	private TestPods() {
	}

	/** A pod with one container running {@code sh -c script}, bound to {@code node}. */
	public static PodBuilder shell(String name, String node, String script) {
		return new PodBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.withTerminationGracePeriodSeconds(1L)
			.addNewContainer()
			.withName("main")
			.withImage(TestImages.BUSYBOX)
			.withCommand("sh", "-c", script)
			.endContainer()
			.endSpec();
	}

	public static Pod sleeper(String name, String node) {
		return shell(name, node, "trap 'exit 0' TERM; sleep 100000 & wait").build();
	}

}
