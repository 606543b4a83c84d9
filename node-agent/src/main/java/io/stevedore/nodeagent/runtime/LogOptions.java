package io.stevedore.nodeagent.runtime;

import java.time.Instant;

/**
 * @param tailLines last lines only, or -1 for all
 * @param since only after this time, or null
 * @param timestamps prefix every line with its RFC 3339 time
 */
public record LogOptions(int tailLines, Instant since, boolean timestamps) {

	public static LogOptions all() {
		return new LogOptions(-1, null, false);
	}

}
