package io.stevedore.nodeagent.pod;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.runtime.ContainerSpec;

/**
 * Requests and limits turned into Docker's cgroup settings the way the kubelet does
 * ({@code MilliCPUToShares}, {@code MilliCPUToQuota}), and the pod's QoS class.
 */
public final class ContainerResources {

	static final long MIN_SHARES = 2;

	static final long SHARES_PER_CPU = 1024;

	/** The kernel's ceiling for cpu.shares. */
	static final long MAX_SHARES = 262_144;

	public static final long QUOTA_PERIOD_MICROS = 100_000;

	static final long MIN_QUOTA_MICROS = 1000;

	private ContainerResources() {
	}

	public static ContainerSpec.Resources of(Container container) {
		Map<String, Quantity> requests = container.getResources() == null ? null
				: container.getResources().getRequests();
		Map<String, Quantity> limits = container.getResources() == null ? null : container.getResources().getLimits();
		long requestMillis = millicores(requests == null ? null : requests.get("cpu"));
		long limitMillis = millicores(limits == null ? null : limits.get("cpu"));
		if (requestMillis == 0 && limitMillis > 0) {
			// The apiserver defaults a missing request to the limit; do the same here.
			requestMillis = limitMillis;
		}
		long shares = shares(requestMillis);
		long quota = quota(limitMillis);
		Quantity memory = limits == null ? null : limits.get("memory");
		long memoryBytes = memory == null ? 0 : Quantity.getAmountInBytes(memory).longValue();
		return new ContainerSpec.Resources(shares, quota, quota == 0 ? 0 : QUOTA_PERIOD_MICROS, memoryBytes);
	}

	/**
	 * The kubelet's {@code MilliCPUToShares}: a container's, a pod's or a QoS class's.
	 */
	public static long shares(long requestMillis) {
		return requestMillis == 0 ? MIN_SHARES
				: Math.min(MAX_SHARES, Math.max(MIN_SHARES, requestMillis * SHARES_PER_CPU / 1000));
	}

	/** The kubelet's {@code MilliCPUToQuota} over the default period; 0 for none. */
	public static long quota(long limitMillis) {
		return limitMillis == 0 ? 0 : Math.max(MIN_QUOTA_MICROS, limitMillis * QUOTA_PERIOD_MICROS / 1000);
	}

	public static long millicores(Quantity quantity) {
		if (quantity == null) {
			return 0;
		}
		return Quantity.getAmountInBytes(quantity)
			.multiply(BigDecimal.valueOf(1000))
			.setScale(0, java.math.RoundingMode.CEILING)
			.longValue();
	}

	/**
	 * Guaranteed, Burstable or BestEffort, from every container's requests and limits.
	 */
	public static String qosClass(Pod pod) {
		List<Container> all = new java.util.ArrayList<>(pod.getSpec().getContainers());
		if (pod.getSpec().getInitContainers() != null) {
			all.addAll(pod.getSpec().getInitContainers());
		}
		boolean anySet = false;
		boolean guaranteed = true;
		for (Container container : all) {
			Map<String, Quantity> requests = container.getResources() == null ? null
					: container.getResources().getRequests();
			Map<String, Quantity> limits = container.getResources() == null ? null
					: container.getResources().getLimits();
			for (String resource : List.of("cpu", "memory")) {
				Quantity request = requests == null ? null : requests.get(resource);
				Quantity limit = limits == null ? null : limits.get(resource);
				if (request != null || limit != null) {
					anySet = true;
				}
				if (limit == null) {
					guaranteed = false;
				}
				else if (request != null
						&& Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit)) != 0) {
					guaranteed = false;
				}
			}
		}
		if (!anySet) {
			return "BestEffort";
		}
		return guaranteed ? "Guaranteed" : "Burstable";
	}

}
