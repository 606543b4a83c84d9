package io.stevedore.nodeagent.stats;

import java.time.Instant;

/** A running container of a pod on this node and its samples. */
public record ContainerUsage(String namespace, String pod, String podUid, String container, Instant startTime,
		Series series) {

}
