package io.stevedore.nodeagent.eviction;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kubelet's eviction signals this agent observes, with the node condition each one
 * drives and what its reclaim event names.
 */
public enum EvictionSignal {

	MEMORY_AVAILABLE("memory.available", "MemoryPressure", "memory"),

	NODEFS_AVAILABLE("nodefs.available", "DiskPressure", "ephemeral-storage"),

	IMAGEFS_AVAILABLE("imagefs.available", "DiskPressure", "ephemeral-storage"),

	PID_AVAILABLE("pid.available", "PIDPressure", "pids");

	private final String text;

	private final String condition;

	private final String resource;

	EvictionSignal(String text, String condition, String resource) {
		this.text = text;
		this.condition = condition;
		this.resource = resource;
	}

	/** As written in eviction-hard, e.g. {@code memory.available}. */
	public String text() {
		return this.text;
	}

	/** The node condition a met threshold turns True. */
	public String condition() {
		return this.condition;
	}

	/** The resource the kubelet says it reclaims ("Attempting to reclaim memory"). */
	public String resource() {
		return this.resource;
	}

	static Optional<EvictionSignal> named(String text) {
		return Arrays.stream(values()).filter(s -> s.text.equals(text)).findFirst();
	}

}
