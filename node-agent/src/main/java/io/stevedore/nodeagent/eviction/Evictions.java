package io.stevedore.nodeagent.eviction;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stevedore.client.controller.Keys;
import io.stevedore.nodeagent.pod.ContainerResources;

/**
 * Between the eviction manager and the pod sync: the pods chosen for eviction until the
 * sync has killed them and written them Failed (the sync is the only writer of a pod's
 * containers and status), and the admission of pods under pressure, as the kubelet's
 * eviction admit handler: with only MemoryPressure a BestEffort pod is refused unless it
 * tolerates the memory-pressure taint; with DiskPressure or PIDPressure every pod is;
 * critical pods always start.
 * <p>
 * Threading: any thread.
 */
public final class Evictions {

	/** For nodes without an eviction manager (hollow nodes, unit tests). */
	public static final Evictions NONE = new Evictions(Set::of, key -> {
	});

	static final String MEMORY_PRESSURE_TAINT = "node.kubernetes.io/memory-pressure";

	private final Supplier<Set<String>> conditions;

	private final Consumer<String> sync;

	/**
	 * How long an eviction holds back the next (the kubelet's pod cleanup timeout): a pod
	 * given a grace period still holds what it used until it stops.
	 */
	static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(30);

	/** The evictions decided, per pod uid. */
	private final Map<String, Chosen> chosen = new ConcurrentHashMap<>();

	private record Chosen(Eviction eviction, long atNanos) {
	}

	/**
	 * One decided eviction.
	 *
	 * @param message the kubelet's, for the status and the event
	 * @param gracePeriod the pod's containers' (1 s for a hard threshold)
	 */
	public record Eviction(String message, Duration gracePeriod) {
	}

	/**
	 * @param conditions the node's pressure conditions now, e.g. {@code MemoryPressure}
	 * @param sync asks for a sync of the pod with this {@code namespace/name} key
	 */
	public Evictions(Supplier<Set<String>> conditions, Consumer<String> sync) {
		this.conditions = conditions;
		this.sync = sync;
	}

	/** Marks the pod for eviction, and has it synced. */
	public void evict(Pod pod, String message, Duration gracePeriod) {
		this.chosen.put(pod.getMetadata().getUid(), new Chosen(new Eviction(message, gracePeriod), System.nanoTime()));
		this.sync.accept(Keys.of(pod));
	}

	/** The pod's eviction, or null when it is not being evicted. */
	public Eviction evicted(Pod pod) {
		Chosen chosen = this.chosen.get(pod.getMetadata().getUid());
		return chosen == null ? null : chosen.eviction();
	}

	/**
	 * Whether a pod chosen less than {@link #CLEANUP_TIMEOUT} ago is still being stopped:
	 * no other is evicted meanwhile.
	 */
	boolean inProgress() {
		long now = System.nanoTime();
		return this.chosen.values().stream().anyMatch(c -> now - c.atNanos() < CLEANUP_TIMEOUT.toNanos());
	}

	/** The pod was killed and written Failed: nothing more to do for it. */
	public void done(Pod pod) {
		this.chosen.remove(pod.getMetadata().getUid());
	}

	/**
	 * Why a pod that has not started on this node may not start now, in the kubelet's
	 * words ({@code The node had condition: [DiskPressure]. }), or null when it may.
	 */
	public String rejection(Pod pod) {
		Set<String> now = new TreeSet<>(this.conditions.get());
		if (now.isEmpty() || critical(pod)) {
			return null;
		}
		if (now.equals(Set.of("MemoryPressure"))
				&& (!"BestEffort".equals(ContainerResources.qosClass(pod)) || toleratesMemoryPressure(pod))) {
			return null;
		}
		return "The node had condition: [" + String.join(" ", now) + "]. ";
	}

	/**
	 * Static and mirror pods, and those of system-critical priority: never evicted,
	 * always admitted.
	 */
	static boolean critical(Pod pod) {
		Map<String, String> annotations = pod.getMetadata().getAnnotations();
		if (annotations != null && (annotations.containsKey("kubernetes.io/config.mirror")
				|| !"api".equals(annotations.getOrDefault("kubernetes.io/config.source", "api")))) {
			return true;
		}
		Integer priority = pod.getSpec().getPriority();
		return priority != null && priority >= PodEvictor.SYSTEM_CRITICAL_PRIORITY;
	}

	private static boolean toleratesMemoryPressure(Pod pod) {
		List<Toleration> tolerations = pod.getSpec().getTolerations();
		if (tolerations == null) {
			return false;
		}
		for (Toleration toleration : tolerations) {
			String key = toleration.getKey() == null ? "" : toleration.getKey();
			String effect = toleration.getEffect() == null ? "" : toleration.getEffect();
			boolean exists = "Exists".equals(toleration.getOperator());
			boolean keyMatches = key.isEmpty() ? exists : key.equals(MEMORY_PRESSURE_TAINT);
			boolean valueMatches = exists || toleration.getValue() == null || toleration.getValue().isEmpty();
			if (keyMatches && valueMatches && (effect.isEmpty() || effect.equals("NoSchedule"))) {
				return true;
			}
		}
		return false;
	}

}
