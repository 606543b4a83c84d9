package io.stevedore.nodeagent.cgroup;

/**
 * What is written into one cgroup (the kubelet's {@code ResourceConfig}). A value of 0
 * leaves the file as the kernel has it: unlimited for a new cgroup, as the kubelet leaves
 * a Burstable pod without every limit.
 *
 * @param cpuShares relative CPU weight (cgroup v1 {@code cpu.shares}; converted to
 * {@code cpu.weight} on v2)
 * @param cpuQuotaMicros CFS quota per period
 * @param cpuPeriodMicros CFS period, written with the quota
 * @param memoryBytes memory limit
 */
public record ResourceConfig(long cpuShares, long cpuQuotaMicros, long cpuPeriodMicros, long memoryBytes) {

	/** Nothing to write. */
	public static ResourceConfig none() {
		return new ResourceConfig(0, 0, 0, 0);
	}

	/** Only the CPU weight (the QoS parents). */
	public static ResourceConfig shares(long cpuShares) {
		return new ResourceConfig(cpuShares, 0, 0, 0);
	}

}
