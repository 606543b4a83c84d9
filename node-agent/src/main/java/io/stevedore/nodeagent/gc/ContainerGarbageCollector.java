package io.stevedore.nodeagent.gc;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stevedore.nodeagent.node.NodeEventSink;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.runtime.RuntimeUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's container garbage collection: every period, the exited older instances of
 * this node's containers beyond the policy's limits are removed, oldest first. The newest
 * instance of each container is the pod's and stays (the pod sync removes what a deleted
 * pod leaves); so do running and not yet started ones, and any younger than the minimum
 * age.
 * <p>
 * Threading: one run at a time (a single scheduled task).
 */
public final class ContainerGarbageCollector {

	private static final Logger log = LoggerFactory.getLogger(ContainerGarbageCollector.class);

	private final ContainerRuntime runtime;

	private final String nodeName;

	private final ContainerGcPolicy policy;

	private final Clock clock;

	private final NodeEventSink events;

	public ContainerGarbageCollector(ContainerRuntime runtime, String nodeName, ContainerGcPolicy policy, Clock clock) {
		this(runtime, nodeName, policy, clock, NodeEventSink.NONE);
	}

	/**
	 * @param events the Node's events: a failed run is a Warning ContainerGCFailed there
	 */
	public ContainerGarbageCollector(ContainerRuntime runtime, String nodeName, ContainerGcPolicy policy, Clock clock,
			NodeEventSink events) {
		this.runtime = runtime;
		this.nodeName = nodeName;
		this.policy = policy;
		this.clock = clock;
		this.events = events;
	}

	/**
	 * One run; an engine failure is logged, recorded on the Node as the kubelet does
	 * (Warning ContainerGCFailed with the error), and the next run tries again.
	 */
	public void run() {
		try {
			collect();
		}
		catch (RuntimeException ex) {
			log.warn("container garbage collection failed error=\"{}\"", ex.getMessage());
			this.events.record("Warning", "ContainerGCFailed", String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * @return the ids removed
	 */
	List<String> collect() {
		Instant now = this.clock.instant();
		Map<String, List<ContainerSummary>> byContainer = new LinkedHashMap<>();
		for (ContainerSummary container : this.runtime.listContainers(Map.of(RuntimeLabels.NODE, this.nodeName))) {
			if (RuntimeLabels.TYPE_SANDBOX.equals(container.labels().get(RuntimeLabels.TYPE))) {
				continue;
			}
			String key = container.labels().get(RuntimeLabels.POD_UID) + "/"
					+ container.labels().get(RuntimeLabels.CONTAINER_NAME);
			byContainer.computeIfAbsent(key, k -> new ArrayList<>()).add(container);
		}
		Comparator<ContainerSummary> newestFirst = Comparator.comparingLong(ContainerSummary::createdEpochSeconds)
			.thenComparingInt(ContainerGarbageCollector::restartCount)
			.reversed();
		// The old instances that may go, newest first, per container.
		List<List<ContainerSummary>> units = new ArrayList<>();
		for (List<ContainerSummary> instances : byContainer.values()) {
			instances.sort(newestFirst);
			List<ContainerSummary> old = new ArrayList<>(instances.subList(1, instances.size())
				.stream()
				.filter(instance -> exited(instance) && !tooYoung(instance, now))
				.toList());
			if (!old.isEmpty()) {
				units.add(old);
			}
		}
		List<ContainerSummary> removable = new ArrayList<>();
		keepAtMost(units, this.policy.maximumDeadPerContainer(), removable);
		int maximum = this.policy.maximumDead();
		if (maximum >= 0 && units.stream().mapToInt(List::size).sum() > maximum) {
			// As the kubelet: first an even share per container, then the oldest overall.
			keepAtMost(units, Math.max(1, maximum / Math.max(1, units.size())), removable);
			List<ContainerSummary> kept = new ArrayList<>(units.stream().flatMap(List::stream).toList());
			if (kept.size() > maximum) {
				kept.sort(newestFirst);
				removable.addAll(kept.subList(maximum, kept.size()));
			}
		}
		List<String> removed = new ArrayList<>();
		for (ContainerSummary container : removable) {
			try {
				this.runtime.removeContainer(container.id());
				removed.add(container.id());
			}
			catch (RuntimeUnavailableException ex) {
				log.info("dead container not removed id={} error=\"{}\"", container.id(), ex.getMessage());
			}
		}
		if (!removed.isEmpty()) {
			log.info("removed dead containers node={} count={}", this.nodeName, removed.size());
		}
		return removed;
	}

	/** Moves each unit's instances past the newest {@code limit} to removable. */
	private static void keepAtMost(List<List<ContainerSummary>> units, int limit, List<ContainerSummary> removable) {
		if (limit < 0) {
			return;
		}
		for (List<ContainerSummary> unit : units) {
			while (unit.size() > limit) {
				removable.add(unit.remove(unit.size() - 1));
			}
		}
	}

	private static boolean exited(ContainerSummary container) {
		return "exited".equals(container.state()) || "dead".equals(container.state());
	}

	private boolean tooYoung(ContainerSummary container, Instant now) {
		return Instant.ofEpochSecond(container.createdEpochSeconds()).plus(this.policy.minimumAge()).isAfter(now);
	}

	private static int restartCount(ContainerSummary container) {
		try {
			return Integer.parseInt(container.labels().getOrDefault(RuntimeLabels.RESTART_COUNT, "0"));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
