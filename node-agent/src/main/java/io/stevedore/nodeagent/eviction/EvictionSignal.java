package io.stevedore.nodeagent.eviction;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kubelet's eviction signals this agent observes, with the node condition each one
 * drives and what its reclaim event names.
 */
public enum EvictionSignal {

	MEMORY_AVAILABLE("memory.available", "MemoryPressure", "memory"),

	/**
	 * Node allocatable memory less the working set of the pods' root cgroup: observed
	 * only while Node Allocatable is enforced on the pods' cgroups.
	 */
	ALLOCATABLE_MEMORY_AVAILABLE("allocatableMemory.available", "MemoryPressure", "memory"),

	NODEFS_AVAILABLE("nodefs.available", "DiskPressure", "ephemeral-storage"),

	IMAGEFS_AVAILABLE("imagefs.available", "DiskPressure", "ephemeral-storage"),

	NODEFS_INODES_FREE("nodefs.inodesFree", "DiskPressure", "inodes"),

	IMAGEFS_INODES_FREE("imagefs.inodesFree", "DiskPressure", "inodes"),

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

	/** Whether it counts things (inodes, process ids) rather than bytes. */
	public boolean counts() {
		return this == PID_AVAILABLE || this == NODEFS_INODES_FREE || this == IMAGEFS_INODES_FREE;
	}

	static Optional<EvictionSignal> named(String text) {
		return Arrays.stream(values()).filter(s -> s.text.equals(text)).findFirst();
	}

}
