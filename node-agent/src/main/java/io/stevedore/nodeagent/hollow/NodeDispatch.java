package io.stevedore.nodeagent.hollow;

import java.util.function.Function;

import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;

/**
 * The shared queue's reconciler: a {@link NodeKeys} key goes to its node's pod syncer
 * with the pod's own key; a key of a node this host does not run is done (it cannot come
 * from this host's handlers, so it is a stale or foreign key, not worth a retry).
 */
final class NodeDispatch implements Reconciler {

	private final Function<String, Reconciler> nodes;

	/**
	 * @param nodes a hosted node's pod syncer by node name, null for other nodes
	 */
	NodeDispatch(Function<String, Reconciler> nodes) {
		this.nodes = nodes;
	}

	@Override
	public Result reconcile(String key) throws Exception {
		Reconciler node = this.nodes.apply(NodeKeys.node(key));
		return node == null ? Result.done() : node.reconcile(NodeKeys.podKey(key));
	}

}
