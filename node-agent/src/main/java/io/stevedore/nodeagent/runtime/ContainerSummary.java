package io.stevedore.nodeagent.runtime;

import java.util.Map;

/**
 * A container as listed: enough to notice that something changed.
 *
 * @param state Docker's state: created, running, exited, dead, ...
 * @param createdEpochSeconds creation time
 */
public record ContainerSummary(String id, String name, Map<String, String> labels, String state,
		long createdEpochSeconds) {

	public boolean running() {
		return "running".equals(this.state);
	}

}
