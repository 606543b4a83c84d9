package io.stevedore.nodeagent.stats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerStats;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Samples the node and every running app container of its pods once a period and keeps
 * the last two samples of each, so {@code /stats/summary} and {@code /metrics/resource}
 * answer from memory with rates over the last period, as cAdvisor serves the kubelet.
 * Requests never touch the engine; a container that fails to answer is left out of this
 * round only.
 * <p>
 * On a simulated node nothing runs, so the node's figures are the sum of its containers'
 * (the machine's /proc would show the one real host under every simulated node).
 * <p>
 * Threading: one sampler thread writes; readers get an immutable snapshot through a
 * volatile field.
 */
public final class StatsSampler implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(StatsSampler.class);

	private final ContainerRuntime runtime;

	private final String nodeName;

	private final BiFunction<String, String, Pod> pods;

	private final HostReadings host;

	private final Clock clock;

	private final Duration period;

	private final Instant nodeStartTime;

	private final Map<String, ContainerUsage> byId = new HashMap<>();

	private Series node;

	private volatile StatsSnapshot snapshot;

	private ScheduledExecutorService executor;

	/**
	 * @param pods the pod bound to this node by namespace and name (the agent's informer
	 * cache), for the simulated runtime's annotations; null when unknown
	 */
	public StatsSampler(ContainerRuntime runtime, String nodeName, BiFunction<String, String, Pod> pods,
			HostReadings host, Clock clock, Duration period) {
		this.runtime = runtime;
		this.nodeName = nodeName;
		this.pods = pods;
		this.host = host;
		this.clock = clock;
		this.period = period;
		this.nodeStartTime = host.bootTime();
		this.snapshot = StatsSnapshot.empty(nodeName, this.nodeStartTime);
	}

	public StatsSnapshot snapshot() {
		return this.snapshot;
	}

	public Duration period() {
		return this.period;
	}

	/** One sampling round; the scheduled task, and what unit tests call directly. */
	public synchronized void sample() {
		Instant now = this.clock.instant();
		List<ContainerSummary> listed;
		try {
			listed = this.runtime.listContainers(
					Map.of(RuntimeLabels.NODE, this.nodeName, RuntimeLabels.TYPE, RuntimeLabels.TYPE_CONTAINER));
		}
		catch (RuntimeException ex) {
			log.debug("stats: listing containers failed: {}", ex.toString());
			return;
		}
		Map<String, ContainerUsage> seen = new HashMap<>();
		long sumCpu = 0;
		long sumWorkingSet = 0;
		long sumUsage = 0;
		for (ContainerSummary container : listed) {
			if (!container.running() || !RuntimeLabels.TYPE_CONTAINER.equals(container.labels().get(RuntimeLabels.TYPE))
					|| "init".equals(container.labels().get(RuntimeLabels.CONTAINER_KIND))) {
				continue;
			}
			Map<String, String> labels = container.labels();
			String namespace = labels.getOrDefault(RuntimeLabels.POD_NAMESPACE, "");
			String podName = labels.getOrDefault(RuntimeLabels.POD_NAME, "");
			Pod pod = this.pods.apply(namespace, podName);
			Map<String, String> annotations = pod == null || pod.getMetadata().getAnnotations() == null ? Map.of()
					: pod.getMetadata().getAnnotations();
			ContainerStats stats;
			try {
				stats = this.runtime.stats(container.id(), annotations, now);
			}
			catch (RuntimeException ex) {
				log.debug("stats: container {} did not answer: {}", container.id(), ex.toString());
				continue;
			}
			Sample sample = new Sample(now, stats.cpuUsageNanos(), stats.memoryWorkingSetBytes(),
					stats.memoryUsageBytes());
			ContainerUsage before = this.byId.get(container.id());
			Series series = before == null ? Series.first(sample) : before.series().next(sample);
			seen.put(container.id(),
					new ContainerUsage(namespace, podName, labels.getOrDefault(RuntimeLabels.POD_UID, ""),
							labels.getOrDefault(RuntimeLabels.CONTAINER_NAME, ""),
							Instant.ofEpochSecond(container.createdEpochSeconds()), series));
			sumCpu += sample.cpuNanos();
			sumWorkingSet += sample.workingSetBytes();
			sumUsage += sample.usageBytes();
		}
		this.byId.clear();
		this.byId.putAll(seen);
		Sample nodeSample = this.runtime.simulated() ? new Sample(now, sumCpu, sumWorkingSet, sumUsage)
				: this.host.read(now);
		if (nodeSample != null) {
			// A simulated node's sum drops when a container goes away; its counter then
			// starts over rather than reporting a negative rate.
			this.node = this.node == null || nodeSample.cpuNanos() < this.node.latest().cpuNanos()
					? Series.first(nodeSample) : this.node.next(nodeSample);
		}
		Duration window = this.node == null || this.node.previous() == null ? this.period
				: Duration.between(this.node.previous().time(), this.node.latest().time());
		List<ContainerUsage> containers = new ArrayList<>(seen.values());
		containers.sort(java.util.Comparator.comparing(ContainerUsage::namespace)
			.thenComparing(ContainerUsage::pod)
			.thenComparing(ContainerUsage::container));
		this.snapshot = new StatsSnapshot(this.nodeName, this.nodeStartTime, this.node, List.copyOf(containers),
				window);
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("stats-sampler").factory());
		this.executor.scheduleWithFixedDelay(() -> {
			try {
				sample();
			}
			catch (RuntimeException ex) {
				log.warn("stats: sampling failed: {}", ex.toString());
			}
		}, 0, this.period.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
