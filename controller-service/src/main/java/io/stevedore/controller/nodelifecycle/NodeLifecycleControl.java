package io.stevedore.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

/** The node lifecycle controller's writes, behind an interface for the unit tests. */
public interface NodeLifecycleControl {

	/** PUT nodes/{name}/status; returns the node as stored. */
	Node updateStatus(Node node);

	/** PUT nodes/{name} (its taints); returns the node as stored. */
	Node update(Node node);

	/** Evicts a pod from a tainted node by deleting it. */
	void deletePod(Pod pod);

}
