package io.stevedore.controller.deployment;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.controller.workload.PodStates;

/**
 * Stands in for the node agent in integration tests: pods of one namespace that
 * {@code readyWhen} accepts get what a kubelet would report once their containers run
 * (phase Running, a pod IP, Ready=True), through the status subresource. Runs on a thread
 * of its own until closed.
 */
public final class FakeKubelet implements AutoCloseable {

	private static final AtomicInteger NEXT_IP = new AtomicInteger(1);

	private final KubernetesClient client;

	private final String namespace;

	private volatile Predicate<Pod> readyWhen;

	private final Duration delay;

	private final Thread thread;

	private volatile boolean running = true;

	private FakeKubelet(KubernetesClient client, String namespace, Predicate<Pod> readyWhen, Duration delay) {
		this.client = client;
		this.namespace = namespace;
		this.readyWhen = readyWhen;
		this.delay = delay;
		this.thread = Thread.ofVirtual().name("fake-kubelet-" + namespace).start(this::run);
	}

	/** Pods become ready {@code delay} after they were created. */
	public static FakeKubelet start(KubernetesClient client, String namespace, Duration delay) {
		return new FakeKubelet(client, namespace, pod -> true, delay);
	}

	public void readyWhen(Predicate<Pod> readyWhen) {
		this.readyWhen = readyWhen;
	}

	private void run() {
		while (this.running) {
			try {
				for (Pod pod : this.client.pods().inNamespace(this.namespace).list().getItems()) {
					if (!PodStates.isReady(pod) && PodStates.isActive(pod) && this.readyWhen.test(pod)
							&& created(pod).plus(this.delay).isBefore(Instant.now())) {
						markReady(this.client, pod);
					}
				}
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (KubernetesClientException ex) {
				// Conflicts and pods deleted meanwhile: the next round sees fresh state.
			}
		}
	}

	/** What a kubelet reports for a pod whose containers run and pass readiness. */
	public static Pod markReady(KubernetesClient client, Pod pod) {
		String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
		int ip = NEXT_IP.getAndIncrement();
		pod.getStatus().setPhase("Running");
		if (pod.getStatus().getStartTime() == null) {
			// A kubelet sets it when it accepts the pod; the HPA needs it to trust CPU
			// samples.
			pod.getStatus().setStartTime(now);
		}
		pod.getStatus().setPodIP("10.244." + (ip / 250) + "." + (ip % 250 + 1));
		pod.getStatus()
			.setConditions(java.util.List.of(
					new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(now).build(),
					new PodConditionBuilder().withType("ContainersReady")
						.withStatus("True")
						.withLastTransitionTime(now)
						.build()));
		return client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
	}

	private static Instant created(Pod pod) {
		return Instant.parse(pod.getMetadata().getCreationTimestamp());
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
	}

}
