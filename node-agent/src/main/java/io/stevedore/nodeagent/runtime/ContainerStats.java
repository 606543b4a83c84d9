package io.stevedore.nodeagent.runtime;

/**
 * @param cpuUsageNanos cumulative CPU time used
 * @param memoryWorkingSetBytes memory in use minus inactive file cache (what kubectl top
 * shows)
 */
public record ContainerStats(long cpuUsageNanos, long memoryWorkingSetBytes) {
}
