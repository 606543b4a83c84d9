package io.stevedore.nodeagent.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the last sampling round saw: the node's series and each running container's.
 *
 * @param window the time between the node's last two samples (the sampling period as it
 * really was), which metrics consumers report as the rates' window
 */
public record StatsSnapshot(String nodeName, Instant nodeStartTime, Series node, List<ContainerUsage> containers,
		Duration window) {

	public static StatsSnapshot empty(String nodeName, Instant nodeStartTime) {
		return new StatsSnapshot(nodeName, nodeStartTime, null, List.of(), Duration.ZERO);
	}

}
