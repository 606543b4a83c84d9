package io.stevedore.nodeagent.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The labels on every Docker object the agent creates. The names are dockershim's, so
 * anyone who ran Kubernetes on Docker recognizes them; the node label lets several agents
 * share one engine, each touching only its own containers, and the cluster label keeps
 * two clusters on one engine apart even when their node names are the same (a test
 * cluster next to a user's, two local clusters in different state directories).
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

	/**
	 * {@code init}, {@code sidecar} (an init container with restartPolicy Always),
	 * {@code app} or {@code ephemeral}: the stats leave finished-to-be init containers
	 * out.
	 */
	public static final String CONTAINER_KIND = "io.stevedore.container.kind";

	public static final String NODE = "io.stevedore.node";

	/** The cluster the node belongs to ({@code stevedore.node.cluster-name}). */
	public static final String CLUSTER = "io.stevedore.cluster";

	/** The default cluster name. */
	public static final String DEFAULT_CLUSTER = "stevedore";

	/**
	 * A Docker label value that is also a Kubernetes label value, so it can be shown and
	 * selected on anywhere: at most 63 characters, alphanumeric at both ends.
	 */
	private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9]([-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?");

	public static final String TYPE_SANDBOX = "podsandbox";

	public static final String TYPE_CONTAINER = "container";

	/** The container name of sandboxes, as dockershim named them. */
	public static final String SANDBOX_CONTAINER_NAME = "POD";

	private RuntimeLabels() {
	}

	/**
	 * The labels with the cluster's label added: what is created carries it and what is
	 * listed is filtered on it, so nothing of another cluster is ever adopted or removed.
	 */
	public static Map<String, String> inCluster(String cluster, Map<String, String> labels) {
		Map<String, String> scoped = new LinkedHashMap<>(labels);
		scoped.put(CLUSTER, cluster);
		return scoped;
	}

	/**
	 * Checks a cluster name.
	 * @throws IllegalArgumentException naming the setting and the rule it breaks
	 */
	public static String checkClusterName(String cluster) {
		if (cluster == null || !CLUSTER_NAME.matcher(cluster).matches()) {
			throw new IllegalArgumentException("stevedore.node.cluster-name must be at most 63 characters of letters, "
					+ "digits, '-', '_' or '.', starting and ending with a letter or digit, got \"" + cluster + "\"");
		}
		return cluster;
	}

}
