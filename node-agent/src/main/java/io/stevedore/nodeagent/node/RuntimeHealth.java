package io.stevedore.nodeagent.node;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the container engine answers, as last seen by anyone who called it. The node's
 * Ready condition follows it. Safe for concurrent use.
 */
public final class RuntimeHealth {

	private final AtomicReference<String> error = new AtomicReference<>();

	public void succeeded() {
		this.error.set(null);
	}

	public void failed(String message) {
		this.error.set(message == null ? "unknown error" : message);
	}

	/** Why the engine is not usable, or null when it is. */
	public String error() {
		return this.error.get();
	}

}
