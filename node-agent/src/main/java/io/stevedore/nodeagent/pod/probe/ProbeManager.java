package io.stevedore.nodeagent.pod.probe;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the startup, liveness and readiness probes of running containers, one periodic
 * worker per probe and container instance (a restarted container starts over), and keeps
 * each probe's result with its success and failure thresholds. When a result flips, the
 * pod's key is handed to {@code onChange}, so its sync updates Ready or restarts the
 * container.
 * <p>
 * Results before the first probe are Kubernetes': readiness and startup false, liveness
 * true. Threading: safe for concurrent use; probes run on the given scheduler.
 */
public final class ProbeManager {

	public enum Kind {

		STARTUP("Startup"), LIVENESS("Liveness"), READINESS("Readiness");

		/** How the kubelet names it in events ("Liveness probe failed: …"). */
		public final String title;

		Kind(String title) {
			this.title = title;
		}

	}

	/**
	 * Told of every failed probe run, as the kubelet records each one (an Unhealthy
	 * event).
	 */
	@FunctionalInterface
	public interface Failures {

		Failures NONE = (podKey, container, kind, output) -> {
		};

		void failed(String podKey, Container container, Kind kind, String output);

	}

	private static final Logger log = LoggerFactory.getLogger(ProbeManager.class);

	private final Prober prober;

	private final ScheduledExecutorService scheduler;

	private final Consumer<String> onChange;

	private final Failures failures;

	private final Map<WorkerKey, Worker> workers = new ConcurrentHashMap<>();

	public ProbeManager(Prober prober, ScheduledExecutorService scheduler, Consumer<String> onChange) {
		this(prober, scheduler, onChange, Failures.NONE);
	}

	public ProbeManager(Prober prober, ScheduledExecutorService scheduler, Consumer<String> onChange,
			Failures failures) {
		this.prober = prober;
		this.scheduler = scheduler;
		this.onChange = onChange;
		this.failures = failures;
	}

	/** Starts the probes of a running container instance, once. */
	public void ensure(String podKey, Container container, String containerId, String podIp) {
		start(podKey, container, containerId, podIp, Kind.STARTUP, container.getStartupProbe());
		start(podKey, container, containerId, podIp, Kind.LIVENESS, container.getLivenessProbe());
		start(podKey, container, containerId, podIp, Kind.READINESS, container.getReadinessProbe());
	}

	/** Stops the workers of every container instance not in {@code keep}. */
	public void retain(String podKey, Set<String> keepContainerIds) {
		this.workers.entrySet().removeIf(e -> {
			if (e.getKey().podKey.equals(podKey) && !keepContainerIds.contains(e.getKey().containerId)) {
				e.getValue().future.cancel(false);
				return true;
			}
			return false;
		});
	}

	/**
	 * The probe's current verdict; true when the container has no such probe, or (startup
	 * and liveness) while a startup probe has not succeeded yet.
	 */
	public boolean result(String containerId, Kind kind) {
		Worker worker = this.workers.entrySet()
			.stream()
			.filter(e -> e.getKey().containerId.equals(containerId) && e.getKey().kind == kind)
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(null);
		return worker == null || worker.success;
	}

	/** The last failure message of the probe, for the event. */
	public String lastFailure(String containerId, Kind kind) {
		return this.workers.entrySet()
			.stream()
			.filter(e -> e.getKey().containerId.equals(containerId) && e.getKey().kind == kind)
			.map(e -> e.getValue().lastFailure)
			.findFirst()
			.orElse(null);
	}

	public boolean hasProbe(String containerId, Kind kind) {
		return this.workers.keySet().stream().anyMatch(k -> k.containerId.equals(containerId) && k.kind == kind);
	}

	private void start(String podKey, Container container, String containerId, String podIp, Kind kind, Probe probe) {
		if (probe == null) {
			return;
		}
		WorkerKey key = new WorkerKey(podKey, containerId, kind);
		this.workers.computeIfAbsent(key, k -> {
			Worker worker = new Worker(k, probe, container, podIp);
			long period = Math.max(1, probe.getPeriodSeconds() == null ? 10 : probe.getPeriodSeconds());
			long delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
			worker.future = this.scheduler.scheduleWithFixedDelay(worker::run, delay * 1000, period * 1000,
					TimeUnit.MILLISECONDS);
			return worker;
		});
	}

	private record WorkerKey(String podKey, String containerId, Kind kind) {
	}

	private final class Worker {

		private final WorkerKey key;

		private final Probe probe;

		private final Container container;

		private final String podIp;

		private volatile boolean success;

		private volatile String lastFailure;

		private int successes;

		private int failures;

		private ScheduledFuture<?> future;

		Worker(WorkerKey key, Probe probe, Container container, String podIp) {
			this.key = key;
			this.probe = probe;
			this.container = container;
			this.podIp = podIp;
			this.success = key.kind == Kind.LIVENESS;
		}

		void run() {
			// Liveness and readiness wait for the startup probe, as in Kubernetes.
			if (this.key.kind != Kind.STARTUP && !result(this.key.containerId, Kind.STARTUP)) {
				return;
			}
			if (this.key.kind == Kind.STARTUP && this.success) {
				return;
			}
			String failure = ProbeManager.this.prober.probe(this.probe, this.container, this.key.containerId,
					this.podIp);
			boolean before = this.success;
			if (failure == null) {
				this.successes++;
				this.failures = 0;
				int threshold = this.probe.getSuccessThreshold() == null ? 1 : this.probe.getSuccessThreshold();
				if (this.successes >= threshold) {
					this.success = true;
				}
			}
			else {
				this.failures++;
				this.successes = 0;
				this.lastFailure = failure;
				ProbeManager.this.failures.failed(this.key.podKey, this.container, this.key.kind, failure);
				int threshold = this.probe.getFailureThreshold() == null ? 3 : this.probe.getFailureThreshold();
				if (this.failures >= threshold) {
					this.success = false;
				}
			}
			if (before != this.success) {
				log.info("probe result changed pod={} container={} probe={} success={} failure=\"{}\"", this.key.podKey,
						this.container.getName(), this.key.kind, this.success, failure);
				ProbeManager.this.onChange.accept(this.key.podKey);
			}
		}

	}

}
