package io.stevedore.nodeagent.node;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.eviction.EvictionSignal;
import io.stevedore.nodeagent.eviction.EvictionThreshold;

/**
 * What pods may have of a node (the kubelet's node allocatable): capacity less the
 * kube-reserved and system-reserved amounts and less the hard eviction thresholds
 * (memory.available off memory, nodefs.available off ephemeral-storage), never below
 * zero. The scheduler places pods against it.
 */
public final class NodeAllocatable {

	private final Map<String, Quantity> reserved;

	private final List<EvictionThreshold> thresholds;

	/**
	 * @param reserved kube-reserved and system-reserved added up, by resource
	 */
	public NodeAllocatable(Map<String, Quantity> reserved, List<EvictionThreshold> thresholds) {
		this.reserved = Map.copyOf(reserved);
		this.thresholds = List.copyOf(thresholds);
	}

	/** Nothing held back: allocatable is capacity. */
	public static NodeAllocatable none() {
		return new NodeAllocatable(Map.of(), List.of());
	}

	public Map<String, Quantity> of(Map<String, Quantity> capacity) {
		Map<String, Quantity> allocatable = new LinkedHashMap<>();
		capacity.forEach((resource, total) -> {
			BigDecimal held = amount(this.reserved.get(resource));
			for (EvictionThreshold threshold : this.thresholds) {
				if (resource.equals(resourceOf(threshold.signal()))) {
					held = held.add(threshold.quantity() >= 0 ? BigDecimal.valueOf(threshold.quantity())
							: amount(total).multiply(BigDecimal.valueOf(threshold.percent() / 100)));
				}
			}
			if (held.signum() == 0) {
				allocatable.put(resource, total);
				return;
			}
			BigDecimal left = amount(total).subtract(held).max(BigDecimal.ZERO);
			allocatable.put(resource, format(resource, left));
		});
		return allocatable;
	}

	private static String resourceOf(EvictionSignal signal) {
		return switch (signal) {
			case MEMORY_AVAILABLE -> "memory";
			case NODEFS_AVAILABLE -> "ephemeral-storage";
			default -> "";
		};
	}

	private static BigDecimal amount(Quantity quantity) {
		return quantity == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(quantity);
	}

	/** Bytes in Ki as the kubelet writes them; cpu in millicores; counts whole. */
	private static Quantity format(String resource, BigDecimal amount) {
		if (resource.equals("cpu")) {
			return new Quantity(amount.movePointRight(3).longValue() + "m");
		}
		if (resource.equals("memory") || resource.equals("ephemeral-storage")) {
			return new Quantity(amount.longValue() / 1024 + "Ki");
		}
		return new Quantity(Long.toString(amount.longValue()));
	}

	/**
	 * Parses {@code cpu=100m,memory=256Mi} (the kubelet's --kube-reserved form).
	 * @throws IllegalArgumentException naming the property and the entry
	 */
	public static Map<String, Quantity> parseReserved(String property, String text) {
		Map<String, Quantity> reserved = new LinkedHashMap<>();
		if (text == null || text.isBlank()) {
			return reserved;
		}
		for (String entry : text.split(",")) {
			String trimmed = entry.strip();
			int eq = trimmed.indexOf('=');
			if (eq <= 0) {
				throw new IllegalArgumentException(
						property + ": \"" + trimmed + "\" is not of the form resource=quantity");
			}
			String resource = trimmed.substring(0, eq);
			if (!List.of("cpu", "memory", "ephemeral-storage").contains(resource)) {
				throw new IllegalArgumentException(
						property + ": \"" + resource + "\" cannot be reserved, only cpu, memory and ephemeral-storage");
			}
			Quantity quantity;
			try {
				quantity = new Quantity(trimmed.substring(eq + 1));
				if (Quantity.getAmountInBytes(quantity).signum() < 0) {
					throw new IllegalArgumentException("negative");
				}
			}
			catch (IllegalArgumentException | ArithmeticException ex) {
				throw new IllegalArgumentException(
						property + ": \"" + trimmed + "\": \"" + trimmed.substring(eq + 1) + "\" is not a quantity",
						ex);
			}
			reserved.put(resource, quantity);
		}
		return reserved;
	}

	/** Both reservations added up per resource. */
	public static Map<String, Quantity> sum(Map<String, Quantity> a, Map<String, Quantity> b) {
		Map<String, Quantity> total = new LinkedHashMap<>(a);
		b.forEach((resource, quantity) -> total.merge(resource, quantity, (x,
				y) -> new Quantity(Quantity.getAmountInBytes(x).add(Quantity.getAmountInBytes(y)).toPlainString())));
		return total;
	}

}
