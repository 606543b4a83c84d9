package io.stevedore.nodeagent.eviction;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.client.controller.Keys;
import io.stevedore.nodeagent.eviction.EvictionRanking.Candidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod half of the kubelet's eviction manager: while a threshold is met, one pod per
 * round, chosen by {@link EvictionRanking} from the pods running here, is handed to the
 * pod sync to be stopped (in 1 s for a hard threshold) and written Failed with reason
 * Evicted and the kubelet's message (the resource, the threshold, what was available, and
 * which containers used more than they requested). Critical pods are never chosen, nor a
 * pod already chosen; none while a pod evicted before is still stopping (up to 30 s).
 */
public final class PodEvictor {

	private static final Logger log = LoggerFactory.getLogger(PodEvictor.class);

	/** Kubernetes' system-cluster-critical and system-node-critical are at least this. */
	static final int SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

	/** What the kubelet gives a pod evicted for a hard threshold. */
	static final Duration IMMEDIATE = Duration.ofSeconds(1);

	private final Supplier<? extends Collection<Pod>> pods;

	private final PodUsage usage;

	private final Evictions evictions;

	private final Duration maxPodGracePeriod;

	/**
	 * @param pods the pods bound to this node (the agent's cache)
	 * @param maxPodGracePeriod the most a pod evicted for a soft threshold is given
	 * ({@code eviction-max-pod-grace-period})
	 */
	public PodEvictor(Supplier<? extends Collection<Pod>> pods, PodUsage usage, Evictions evictions,
			Duration maxPodGracePeriod) {
		this.maxPodGracePeriod = maxPodGracePeriod;
		this.pods = pods;
		this.usage = usage;
		this.evictions = evictions;
	}

	/**
	 * Evicts the first pod in the ranking for the threshold's resource.
	 * @return the evicted pod's {@code namespace/name}, or null when none could be
	 */
	public String evictOne(EvictionThreshold threshold, Observation observation) {
		if (this.evictions.inProgress()) {
			// As the kubelet, which waits for an evicted pod's cleanup: the resource it
			// frees may be enough.
			log.info("eviction threshold met, a pod evicted before is still stopping signal={}",
					threshold.signal().text());
			return null;
		}
		EvictionSignal signal = threshold.signal();
		List<Candidate> candidates = new ArrayList<>();
		Map<String, Map<String, Long>> used = new HashMap<>();
		for (Pod pod : this.pods.get()) {
			if (!active(pod) || Evictions.critical(pod) || this.evictions.evicted(pod) != null) {
				continue;
			}
			Map<String, Long> byContainer = this.usage.of(pod, signal);
			used.put(pod.getMetadata().getUid(), byContainer);
			long total = byContainer.values().stream().mapToLong(Long::longValue).sum();
			candidates.add(new Candidate(pod, total, request(pod, signal), priority(pod)));
		}
		List<Candidate> ranked = EvictionRanking.rank(candidates, signal);
		if (ranked.isEmpty()) {
			log.warn("eviction threshold met but no pod may be evicted signal={}", signal.text());
			return null;
		}
		Pod pod = ranked.get(0).pod();
		String message = message(threshold, observation, pod, used.get(pod.getMetadata().getUid()));
		log.warn("evicting pod pod={} signal={} message=\"{}\"", Keys.of(pod), signal.text(), message);
		this.evictions.evict(pod, message, gracePeriod(threshold, pod));
		return Keys.of(pod);
	}

	/**
	 * The kubelet's: 1 s for a hard threshold ("immediate"); for a soft one the pod's
	 * own, at most {@code eviction-max-pod-grace-period}.
	 */
	private Duration gracePeriod(EvictionThreshold threshold, Pod pod) {
		if (!threshold.soft()) {
			return IMMEDIATE;
		}
		Long own = pod.getSpec().getTerminationGracePeriodSeconds();
		Duration pods = Duration.ofSeconds(own == null ? 30 : Math.max(0, own));
		return pods.compareTo(this.maxPodGracePeriod) < 0 ? pods : this.maxPodGracePeriod;
	}

	/** The kubelet's eviction message, word for word. */
	static String message(EvictionThreshold threshold, Observation observation, Pod pod,
			Map<String, Long> byContainer) {
		EvictionSignal signal = threshold.signal();
		StringBuilder message = new StringBuilder("The node was low on resource: ").append(signal.resource())
			.append(". Threshold quantity: ")
			.append(quantity(signal, threshold.limit(observation)))
			.append(", available: ")
			.append(quantity(signal, observation.available()))
			.append(". ");
		if (signal.counts()) {
			// The kubelet names the containers for memory and ephemeral-storage only.
			return message.toString();
		}
		for (Container container : pod.getSpec().getContainers()) {
			Long usage = byContainer.get(container.getName());
			if (usage == null) {
				continue;
			}
			long request = request(container, signal);
			if (usage > request) {
				message.append("Container ")
					.append(container.getName())
					.append(" was using ")
					.append(quantity(signal, usage))
					.append(", request is ")
					.append(requestText(container, signal))
					.append(", has larger consumption of ")
					.append(signal.resource())
					.append(". ");
			}
		}
		return message.toString();
	}

	private static boolean active(Pod pod) {
		String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
		return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase)
				&& !"Failed".equals(phase);
	}

	private static int priority(Pod pod) {
		Integer priority = pod.getSpec().getPriority();
		return priority == null ? 0 : priority;
	}

	/** The pod's request: its containers' sum, or the largest init container's. */
	private static long request(Pod pod, EvictionSignal signal) {
		long sum = pod.getSpec().getContainers().stream().mapToLong(c -> request(c, signal)).sum();
		long init = pod.getSpec().getInitContainers() == null ? 0
				: pod.getSpec().getInitContainers().stream().mapToLong(c -> request(c, signal)).max().orElse(0);
		return Math.max(sum, init);
	}

	private static long request(Container container, EvictionSignal signal) {
		Quantity quantity = requested(container, signal);
		if (quantity == null) {
			return 0;
		}
		BigDecimal amount = Quantity.getAmountInBytes(quantity);
		return amount.longValue();
	}

	private static String requestText(Container container, EvictionSignal signal) {
		Quantity quantity = requested(container, signal);
		return quantity == null ? "0" : quantity.toString();
	}

	private static Quantity requested(Container container, EvictionSignal signal) {
		String resource = switch (signal) {
			case MEMORY_AVAILABLE, ALLOCATABLE_MEMORY_AVAILABLE -> "memory";
			case NODEFS_AVAILABLE, IMAGEFS_AVAILABLE -> "ephemeral-storage";
			case NODEFS_INODES_FREE, IMAGEFS_INODES_FREE, PID_AVAILABLE -> null;
		};
		if (resource == null || container.getResources() == null || container.getResources().getRequests() == null) {
			return null;
		}
		return container.getResources().getRequests().get(resource);
	}

	/**
	 * As Kubernetes prints a quantity it made from a number: bytes in the largest binary
	 * suffix that divides them ({@code 100Mi}, {@code 59428Ki}), else plain; a count
	 * plain.
	 */
	static String quantity(EvictionSignal signal, long value) {
		if (signal.counts() || value == 0) {
			return Long.toString(value);
		}
		String[] suffixes = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
		String suffix = "";
		long amount = value;
		for (String next : suffixes) {
			if (amount % 1024 != 0) {
				break;
			}
			amount /= 1024;
			suffix = next;
		}
		return amount + suffix;
	}

}
