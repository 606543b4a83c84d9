package io.stevedore.nodeagent.cgroup;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.pod.ContainerResources;

/**
 * A pod cgroup's limits as the kubelet's {@code ResourceConfigForPod} derives them: CPU
 * shares from the pod's CPU request; the CFS quota and the memory limit from the pod's
 * limits, but only when every container declares that limit (one unlimited container
 * leaves the whole pod unlimited in it). A BestEffort pod gets the minimum shares and
 * nothing else.
 * <p>
 * The pod's request or limit is the larger of its app containers' sum and its largest
 * init container (init containers run one at a time, before the others), as in the
 * kubelet's {@code PodRequests}.
 */
public final class PodResourceConfig {

	private PodResourceConfig() {
	}

	public static ResourceConfig of(Pod pod) {
		String qos = ContainerResources.qosClass(pod);
		if (qos.equals("BestEffort")) {
			return ResourceConfig.shares(ContainerResources.shares(0));
		}
		long shares = ContainerResources.shares(cpuRequestMillis(pod));
		long quota = ContainerResources.quota(millicores(amount(pod, "cpu", true)));
		long memory = amount(pod, "memory", true).longValue();
		boolean guaranteed = qos.equals("Guaranteed");
		boolean cpuLimited = guaranteed || everyContainerLimits(pod, "cpu");
		boolean memoryLimited = guaranteed || everyContainerLimits(pod, "memory");
		return new ResourceConfig(shares, cpuLimited ? quota : 0,
				cpuLimited && quota > 0 ? ContainerResources.QUOTA_PERIOD_MICROS : 0, memoryLimited ? memory : 0);
	}

	/** The pod's CPU request in millicores: what its QoS class's shares add up. */
	public static long cpuRequestMillis(Pod pod) {
		return millicores(amount(pod, "cpu", false));
	}

	private static long millicores(BigDecimal cpus) {
		return ContainerResources.millicores(new Quantity(cpus.toPlainString()));
	}

	private static boolean everyContainerLimits(Pod pod, String resource) {
		for (Container container : pod.getSpec().getContainers()) {
			Quantity limit = value(container, resource, true);
			if (limit == null || Quantity.getAmountInBytes(limit).signum() == 0) {
				return false;
			}
		}
		return true;
	}

	/** max(sum over app containers, largest init container), in bytes or cores. */
	private static BigDecimal amount(Pod pod, String resource, boolean limit) {
		BigDecimal sum = BigDecimal.ZERO;
		for (Container container : pod.getSpec().getContainers()) {
			sum = sum.add(bytes(value(container, resource, limit)));
		}
		List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of()
				: pod.getSpec().getInitContainers();
		for (Container init : inits) {
			sum = sum.max(bytes(value(init, resource, limit)));
		}
		return sum;
	}

	/**
	 * A container's request or limit; a missing request is its limit, as the apiserver
	 * defaults it.
	 */
	private static Quantity value(Container container, String resource, boolean limit) {
		if (container.getResources() == null) {
			return null;
		}
		Map<String, Quantity> limits = container.getResources().getLimits();
		Map<String, Quantity> requests = container.getResources().getRequests();
		Quantity fromLimits = limits == null ? null : limits.get(resource);
		if (limit) {
			return fromLimits;
		}
		Quantity request = requests == null ? null : requests.get(resource);
		return request != null ? request : fromLimits;
	}

	private static BigDecimal bytes(Quantity quantity) {
		return quantity == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(quantity);
	}

}
