package io.stevedore.scheduler.framework;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

import io.stevedore.machinery.quantity.Quantity;

/**
 * Amounts of the resources the scheduler counts, as plain longs so the per-node
 * arithmetic of every cycle is cheap: cpu in millicores, memory and ephemeral-storage in
 * bytes, pods as a count, extended resources (e.g. {@code example.com/gpu}) in their
 * integer units. Mutable; a NodeInfo owns its instances and copies them when cloned.
 */
public final class Resource {

	public static final String CPU = "cpu";

	public static final String MEMORY = "memory";

	public static final String EPHEMERAL_STORAGE = "ephemeral-storage";

	public static final String PODS = "pods";

	public long milliCpu;

	public long memory;

	public long ephemeralStorage;

	public long allowedPodNumber;

	public final Map<String, Long> scalar = new HashMap<>();

	/**
	 * Reads a resource list; unknown names that are not extended resources (hugepages-*,
	 * attachable volumes) are kept as scalars too, as Kubernetes does.
	 * @param field where the list came from, for the error message
	 * @throws IllegalArgumentException naming the field when a quantity is malformed
	 */
	public static Resource from(Map<String, io.fabric8.kubernetes.api.model.Quantity> list, String field) {
		Resource resource = new Resource();
		if (list != null) {
			list.forEach((name, quantity) -> resource.add(name, parse(quantity, field + "[" + name + "]")));
		}
		return resource;
	}

	private static Quantity parse(io.fabric8.kubernetes.api.model.Quantity quantity, String field) {
		try {
			return Quantity.of(quantity);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(field + ": invalid quantity \"" + quantity + "\": " + ex.getMessage(),
					ex);
		}
	}

	private void add(String name, Quantity quantity) {
		switch (name) {
			case CPU -> this.milliCpu += quantity.milliValue();
			case MEMORY -> this.memory += units(quantity);
			case EPHEMERAL_STORAGE -> this.ephemeralStorage += units(quantity);
			case PODS -> this.allowedPodNumber += units(quantity);
			default -> this.scalar.merge(name, units(quantity), Long::sum);
		}
	}

	private static long units(Quantity quantity) {
		BigDecimal value = quantity.value().setScale(0, RoundingMode.CEILING);
		return value.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : value.longValue();
	}

	public void add(Resource other) {
		this.milliCpu += other.milliCpu;
		this.memory += other.memory;
		this.ephemeralStorage += other.ephemeralStorage;
		this.allowedPodNumber += other.allowedPodNumber;
		other.scalar.forEach((name, value) -> this.scalar.merge(name, value, Long::sum));
	}

	public void subtract(Resource other) {
		this.milliCpu -= other.milliCpu;
		this.memory -= other.memory;
		this.ephemeralStorage -= other.ephemeralStorage;
		this.allowedPodNumber -= other.allowedPodNumber;
		other.scalar.forEach((name, value) -> this.scalar.merge(name, -value, Long::sum));
	}

	/** Each field becomes the larger of the two: the init-container rule. */
	public void setMax(Resource other) {
		this.milliCpu = Math.max(this.milliCpu, other.milliCpu);
		this.memory = Math.max(this.memory, other.memory);
		this.ephemeralStorage = Math.max(this.ephemeralStorage, other.ephemeralStorage);
		this.allowedPodNumber = Math.max(this.allowedPodNumber, other.allowedPodNumber);
		other.scalar.forEach((name, value) -> this.scalar.merge(name, value, Math::max));
	}

	public long get(String name) {
		return switch (name) {
			case CPU -> this.milliCpu;
			case MEMORY -> this.memory;
			case EPHEMERAL_STORAGE -> this.ephemeralStorage;
			case PODS -> this.allowedPodNumber;
			default -> this.scalar.getOrDefault(name, 0L);
		};
	}

	public Resource copy() {
		Resource copy = new Resource();
		copy.add(this);
		return copy;
	}

	@Override
	public String toString() {
		return "cpu=" + this.milliCpu + "m memory=" + this.memory + " ephemeral-storage=" + this.ephemeralStorage
				+ " pods=" + this.allowedPodNumber + " " + this.scalar;
	}

}
