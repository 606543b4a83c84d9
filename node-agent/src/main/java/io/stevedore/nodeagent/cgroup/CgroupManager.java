package io.stevedore.nodeagent.cgroup;

import java.util.List;
import java.util.OptionalLong;

/**
 * The cgroups the agent owns, by path from the hierarchy's root (e.g.
 * {@code /stevedore/node-1/kubepods/burstable}), whatever the cgroup version: the
 * kubelet's {@code CgroupManager} for the cgroupfs driver. Docker takes the same path as
 * a container's {@code cgroupParent}.
 * <p>
 * Threading: implementations are safe for concurrent use; the agent serialises the
 * changes anyway.
 */
public interface CgroupManager {

	/** {@code v1} or {@code v2}, for the logs. */
	String version();

	/**
	 * Creates the cgroup (and its missing parents) and writes the config.
	 * @throws java.io.UncheckedIOException when the cgroup file system refuses
	 */
	void create(String path, ResourceConfig config);

	/** Writes the config into an existing cgroup. */
	void update(String path, ResourceConfig config);

	/** Whether the cgroup exists. */
	boolean exists(String path);

	/**
	 * Removes the cgroup (rmdir) wherever it exists; the kernel refuses while it holds
	 * processes or child cgroups, which is then left for a later attempt.
	 * @return true when it is gone
	 */
	boolean remove(String path);

	/** The names of the cgroup's child cgroups; empty when it does not exist. */
	List<String> children(String path);

	/**
	 * cAdvisor's working set of the cgroup: memory usage less inactive file pages. Empty
	 * when not readable.
	 */
	OptionalLong memoryWorkingSet(String path);

}
