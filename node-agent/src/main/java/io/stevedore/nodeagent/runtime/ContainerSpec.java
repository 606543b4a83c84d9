package io.stevedore.nodeagent.runtime;

import java.util.List;
import java.util.Map;

/**
 * One container of a pod, resolved: nothing here refers back to the API.
 *
 * @param name the Docker container name
 * @param image the image reference
 * @param entrypoint Kubernetes' {@code command}; empty keeps the image's
 * @param cmd Kubernetes' {@code args}; empty keeps the image's (when entrypoint is empty)
 * @param workingDir empty keeps the image's
 * @param env {@code NAME=value}, already expanded
 * @param mounts bind mounts from the node's disk
 * @param labels identify pod, container, node and attempt
 * @param sandboxId the sandbox whose namespaces it joins
 * @param resources limits for the engine
 * @param tty allocate a terminal
 * @param stdin keep stdin open
 * @param stdinOnce close stdin when the first attached client's stdin ends (kubectl run
 * -i, kubectl debug -i): its output goes on until the process exits, where without it the
 * engine ends the attached output at once
 * @param pidNamespaceOf the id of the container whose PID namespace it joins (an
 * ephemeral container's target, so a debugger sees the target's processes), or null for a
 * namespace of its own
 * @param cgroupParent the pod's cgroup the container's goes under, or null for the
 * engine's default place
 */
public record ContainerSpec(String name, String image, List<String> entrypoint, List<String> cmd, String workingDir,
		List<String> env, List<Mount> mounts, Map<String, String> labels, String sandboxId, Resources resources,
		boolean tty, boolean stdin, boolean stdinOnce, String pidNamespaceOf, String cgroupParent) {

	/** A container in the engine's default cgroup. */
	public ContainerSpec(String name, String image, List<String> entrypoint, List<String> cmd, String workingDir,
			List<String> env, List<Mount> mounts, Map<String, String> labels, String sandboxId, Resources resources,
			boolean tty, boolean stdin, boolean stdinOnce, String pidNamespaceOf) {
		this(name, image, entrypoint, cmd, workingDir, env, mounts, labels, sandboxId, resources, tty, stdin, stdinOnce,
				pidNamespaceOf, null);
	}

	/** A container with a PID namespace of its own and no stdinOnce. */
	public ContainerSpec(String name, String image, List<String> entrypoint, List<String> cmd, String workingDir,
			List<String> env, List<Mount> mounts, Map<String, String> labels, String sandboxId, Resources resources,
			boolean tty, boolean stdin) {
		this(name, image, entrypoint, cmd, workingDir, env, mounts, labels, sandboxId, resources, tty, stdin, false,
				null);
	}

	/** A bind mount of a host path. */
	public record Mount(String hostPath, String containerPath, boolean readOnly) {
	}

	/**
	 * Docker's cgroup settings, as the kubelet derives them from requests and limits.
	 *
	 * @param cpuShares relative weight, from the CPU request
	 * @param cpuQuotaMicros CFS quota per period, 0 for none (from the CPU limit)
	 * @param cpuPeriodMicros CFS period
	 * @param memoryBytes memory limit, 0 for none
	 */
	public record Resources(long cpuShares, long cpuQuotaMicros, long cpuPeriodMicros, long memoryBytes) {

		public static Resources none() {
			return new Resources(0, 0, 0, 0);
		}

	}

}
