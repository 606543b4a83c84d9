package io.stevedore.nodeagent.support;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.testsupport.docker.Docker;
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

	public static boolean ready(Pod pod) {
		List<PodCondition> conditions = pod.getStatus().getConditions();
		return conditions != null
				&& conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
	}

	/**
	 * Waits up to a minute for the pod {@code default/name} to have container statuses
	 * and meet the condition.
	 */
	public static Pod await(KubernetesClient client, String name, Predicate<Pod> condition) {
		Pod[] last = new Pod[1];
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				Pod pod = client.pods().inNamespace("default").withName(name).get();
				last[0] = pod;
				return pod != null && pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
						&& !pod.getStatus().getContainerStatuses().isEmpty() && condition.test(pod);
			});
		return last[0];
	}

	/** The events about the pod (its uid) so far. */
	public static List<Event> events(KubernetesClient client, Pod pod) {
		return client.v1()
			.events()
			.inNamespace(pod.getMetadata().getNamespace())
			.withField("involvedObject.uid", pod.getMetadata().getUid())
			.list()
			.getItems();
	}

	/** Creates the pod and waits until all its containers run. */
	public static Pod running(KubernetesClient client, PodBuilder pod) {
		String name = pod.buildMetadata().getName();
		client.pods().resource(pod.build()).create();
		return await(client, name, p -> "Running".equals(p.getStatus().getPhase())
				&& p.getStatus().getContainerStatuses().stream().allMatch(c -> c.getState().getRunning() != null));
	}

	/** {@code docker exec} in the pod's container of that name. */
	public static String exec(Pod pod, String container, String... command) {
		String id = Docker.run("ps", "-q", "--filter", "label=io.kubernetes.pod.uid=" + pod.getMetadata().getUid(),
				"--filter", "label=io.kubernetes.container.name=" + container);
		List<String> args = new java.util.ArrayList<>(List.of("exec", id.split("\\s+")[0]));
		args.addAll(List.of(command));
		return Docker.run(args.toArray(String[]::new));
	}

}
