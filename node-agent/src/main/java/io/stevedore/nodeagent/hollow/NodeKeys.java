package io.stevedore.nodeagent.hollow;

/**
 * Work-queue keys of a hollow host, whose one queue serves every node:
 * {@code <node>/<namespace>/<name>}. The node travels in the key because the pod may be
 * gone from the cache by the time the key is worked (a deletion) or never was in it (a
 * PLEG key for an orphan of the node's runtime). A node name is a DNS subdomain, so it
 * holds no '/' and the first one ends it.
 */
final class NodeKeys {

	private NodeKeys() {
	}

	static String of(String node, String podKey) {
		return node + "/" + podKey;
	}

	/** The node of a key. */
	static String node(String key) {
		int slash = key.indexOf('/');
		if (slash <= 0) {
			throw new IllegalArgumentException("unexpected hollow node key: \"" + key + "\"");
		}
		return key.substring(0, slash);
	}

	/** The pod's own key ({@code namespace/name}) within its node. */
	static String podKey(String key) {
		return key.substring(node(key).length() + 1);
	}

}
