package io.stevedore.nodeagent.pod;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * The pod-level cgroup every container of a pod (the sandbox too) runs under, as the
 * kubelet's pod container manager keeps it with {@code --cgroups-per-qos}.
 */
public interface PodCgroups {

	/** No pod cgroups: containers run where the engine puts them. */
	PodCgroups NONE = new PodCgroups() {
		@Override
		public String ensure(Pod pod) {
			return null;
		}

		@Override
		public void removed(String podUid) {
		}
	};

	/**
	 * Creates the pod's cgroup when missing, before its sandbox.
	 * @return the cgroup parent of the pod's containers, or null to run them without one
	 */
	String ensure(Pod pod);

	/** The pod's containers are gone: its cgroup goes too. */
	void removed(String podUid);

}
