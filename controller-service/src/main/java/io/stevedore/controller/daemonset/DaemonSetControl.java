package io.stevedore.controller.daemonset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;

/** The DaemonSet controller's writes, behind an interface for the unit tests. */
public interface DaemonSetControl {

	void createPod(Pod pod);

	void deletePod(Pod pod);

	/** PUT daemonsets/{name}/status. */
	void updateStatus(DaemonSet daemonSet);

}
