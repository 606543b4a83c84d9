package io.stevedore.nodeagent.runtime;

import java.time.Instant;

/**
 * Which part of a container's output to read (the kubelet's container log options).
 *
 * @param tailLines last lines only, or -1 for all
 * @param since only after this time, or null
 * @param timestamps prefix every line with its RFC 3339 time
 * @param follow keep streaming until the container stops or the reader goes away
 */
public record LogOptions(int tailLines, Instant since, boolean timestamps, boolean follow) {

	public static LogOptions all() {
		return new LogOptions(-1, null, false, false);
	}

}
