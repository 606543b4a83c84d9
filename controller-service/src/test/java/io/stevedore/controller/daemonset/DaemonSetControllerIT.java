package io.stevedore.controller.daemonset;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.stevedore.controller.support.ControlPlaneTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A DaemonSet against the real apiserver, following nodes as they join and leave. */
class DaemonSetControllerIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void aDaemonSetRunsOnePodPerNodeAndFollowsNodesJoiningAndLeaving() {
		String suffix = UUID.randomUUID().toString().substring(0, 6);
		String first = "n1-" + suffix;
		String second = "n2-" + suffix;
		String third = "n3-" + suffix;
		addNode(first);
		addNode(second);
		String ns = "ns-" + suffix;
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		client.apps()
			.daemonSets()
			.inNamespace(ns)
			.resource(new DaemonSetBuilder().withNewMetadata()
				.withName("agent")
				.endMetadata()
				.withNewSpec()
				.withNewSelector()
				.addToMatchLabels("app", "agent")
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", "agent")
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("agent")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(nodesOfPods(ns)).containsExactlyInAnyOrder(first, second));
		await().atMost(TIMEOUT)
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(client.apps()
				.daemonSets()
				.inNamespace(ns)
				.withName("agent")
				.get()
				.getStatus()
				.getDesiredNumberScheduled()).isEqualTo(2));

		addNode(third);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(nodesOfPods(ns)).containsExactlyInAnyOrder(first, second, third));

		client.nodes().withName(first).delete();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(nodesOfPods(ns)).containsExactlyInAnyOrder(second, third));
	}

	private static List<String> nodesOfPods(String ns) {
		return client.pods()
			.inNamespace(ns)
			.list()
			.getItems()
			.stream()
			.filter(p -> p.getMetadata().getDeletionTimestamp() == null)
			.map(DaemonPods::nodeOf)
			.toList();
	}

	private static void addNode(String name) {
		client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
	}

}
