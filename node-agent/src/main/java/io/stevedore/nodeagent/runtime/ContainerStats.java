package io.stevedore.nodeagent.runtime;

/**
 * One reading of a container's resource use.
 *
 * @param cpuUsageNanos cumulative CPU time used
 * @param memoryWorkingSetBytes memory in use minus inactive file cache (what kubectl top
 * shows)
 * @param memoryUsageBytes memory in use, page cache included
 */
public record ContainerStats(long cpuUsageNanos, long memoryWorkingSetBytes, long memoryUsageBytes) {

	public ContainerStats(long cpuUsageNanos, long memoryWorkingSetBytes) {
		this(cpuUsageNanos, memoryWorkingSetBytes, memoryWorkingSetBytes);
	}

}
