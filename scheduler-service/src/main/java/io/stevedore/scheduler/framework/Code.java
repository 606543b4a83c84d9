package io.stevedore.scheduler.framework;

/** The outcome of one plugin call, as in Kubernetes' {@code framework.Code}. */
public enum Code {

	SUCCESS,

	/** The pod does not fit now; preemption or a cluster change may help. */
	UNSCHEDULABLE,

	/**
	 * The pod does not fit and preemption on this node cannot help (a taint, a node
	 * selector).
	 */
	UNSCHEDULABLE_AND_UNRESOLVABLE,

	/** Something went wrong; the pod is retried with back-off. */
	ERROR,

	/**
	 * The plugin has nothing to do for this pod; its later extension points are skipped.
	 */
	SKIP

}
