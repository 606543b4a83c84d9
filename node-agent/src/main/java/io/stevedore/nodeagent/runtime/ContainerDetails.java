package io.stevedore.nodeagent.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container as inspected.
 *
 * @param image the image reference it was created from
 * @param imageId the image's id ({@code sha256:...})
 * @param state Docker's state: created, running, exited, dead, ...
 * @param exitCode the exit code once exited
 * @param oomKilled killed by the kernel for exceeding its memory limit
 * @param error why the engine could not run it (a command not found), or empty
 * @param createdAt creation time
 * @param startedAt last start, null if never started
 * @param finishedAt last exit, null if never exited
 * @param ip its address on the pod network (sandboxes), or null
 */
public record ContainerDetails(String id, String name, String image, String imageId, Map<String, String> labels,
		String state, int exitCode, boolean oomKilled, String error, Instant createdAt, Instant startedAt,
		Instant finishedAt, String ip) {

	public boolean running() {
		return "running".equals(this.state) || "restarting".equals(this.state) || "paused".equals(this.state);
	}

	/** Created but never started (or failed to start). */
	public boolean created() {
		return "created".equals(this.state);
	}

	public boolean exited() {
		return "exited".equals(this.state) || "dead".equals(this.state);
	}

}
