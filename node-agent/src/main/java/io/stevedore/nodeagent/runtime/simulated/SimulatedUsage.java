package io.stevedore.nodeagent.runtime.simulated;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.nodeagent.runtime.ContainerStats;

/**
 * The usage a simulated container reports, from its pod's annotations (per container). A
 * value that is not a quantity counts as absent: the default applies, so a typo shows as
 * the small constant rather than stopping the node's stats.
 *
 * @param nanoCores CPU in nanocores
 * @param memoryBytes memory working set in bytes
 */
public record SimulatedUsage(long nanoCores, long memoryBytes) {

	public static final String CPU_ANNOTATION = "simulated.stevedore.io/cpu-usage";

	public static final String MEMORY_ANNOTATION = "simulated.stevedore.io/memory-usage";

	/** 1m CPU: a process that sleeps, as a pause-like container does. */
	static final long DEFAULT_NANO_CORES = 1_000_000;

	/** 4Mi: about what a small idle process holds. */
	static final long DEFAULT_MEMORY_BYTES = 4L * 1024 * 1024;

	public static SimulatedUsage of(Map<String, String> annotations) {
		Map<String, String> a = annotations == null ? Map.of() : annotations;
		BigDecimal cpu = quantity(a.get(CPU_ANNOTATION));
		BigDecimal memory = quantity(a.get(MEMORY_ANNOTATION));
		return new SimulatedUsage(
				cpu == null ? DEFAULT_NANO_CORES
						: cpu.movePointRight(9).setScale(0, java.math.RoundingMode.UP).longValue(),
				memory == null ? DEFAULT_MEMORY_BYTES : memory.setScale(0, java.math.RoundingMode.UP).longValue());
	}

	/** Cumulative CPU at this rate since {@code startedAt}; memory as annotated. */
	public ContainerStats stats(Instant startedAt, Instant now) {
		long elapsedNanos = Math.max(0, Duration.between(startedAt, now).toNanos());
		// nanoCores * elapsed seconds, without overflowing for long-running containers
		long cpuNanos = BigDecimal.valueOf(this.nanoCores)
			.multiply(BigDecimal.valueOf(elapsedNanos))
			.movePointLeft(9)
			.longValue();
		return new ContainerStats(cpuNanos, this.memoryBytes, this.memoryBytes);
	}

	private static BigDecimal quantity(String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			BigDecimal value = Quantity.getAmountInBytes(new Quantity(text.trim()));
			return value.signum() < 0 ? null : value;
		}
		catch (IllegalArgumentException | ArithmeticException ex) {
			return null;
		}
	}

}
