package io.stevedore.controller.nodelifecycle;

import java.time.Instant;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;

/** The node lifecycle controller's writes, behind an interface for the unit tests. */
public interface NodeLifecycleControl {

	/** PUT nodes/{name}/status; returns the node as stored. */
	Node updateStatus(Node node);

	/** PUT nodes/{name} (its taints); returns the node as stored. */
	Node update(Node node);

	/**
	 * Evicts a pod from a tainted node: the condition DisruptionTarget=True (reason
	 * {@code DeletionByTaintManager}) on its status, then its deletion, as Kubernetes'
	 * taint eviction does.
	 */
	void deletePod(Pod pod);

	/**
	 * The pod's Ready condition becomes False (Kubernetes' {@code MarkPodsNotReady}): its
	 * node stopped saying how it is, so nothing vouches for it being ready.
	 */
	void markPodNotReady(Pod pod, Instant now);

	/** An Event about the object (client-go's recorder: never fails the caller). */
	void event(HasMetadata object, String type, String reason, String message);

}
