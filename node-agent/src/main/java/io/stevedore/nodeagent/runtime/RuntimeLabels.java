package io.stevedore.nodeagent.runtime;

/**
 * The labels on every Docker object the agent creates. The names are dockershim's, so
 * anyone who ran Kubernetes on Docker recognizes them; the node label lets several agents
 * share one engine, each touching only its own containers.
 */
public final class RuntimeLabels {

	public static final String POD_UID = "io.kubernetes.pod.uid";

	public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";

	public static final String POD_NAME = "io.kubernetes.pod.name";

	public static final String CONTAINER_NAME = "io.kubernetes.container.name";

	/** How many times this container of the pod ran before: the restartCount. */
	public static final String RESTART_COUNT = "io.kubernetes.container.restartCount";

	/** {@code podsandbox} or {@code container}. */
	public static final String TYPE = "io.kubernetes.docker.type";

	/** Init or app container: {@code init} or {@code app}. */
	public static final String CONTAINER_KIND = "io.stevedore.container.kind";

	public static final String NODE = "io.stevedore.node";

	public static final String TYPE_SANDBOX = "podsandbox";

	public static final String TYPE_CONTAINER = "container";

	/** The container name of sandboxes, as dockershim named them. */
	public static final String SANDBOX_CONTAINER_NAME = "POD";

	private RuntimeLabels() {
	}

}
