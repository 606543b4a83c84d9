package io.stevedore.nodeagent.hollow;

import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * The shared pod informer's handler: hands each event to the node the pod is bound to
 * ({@code spec.nodeName}); pods of nodes this host does not run are dropped. The informer
 * watches every bound pod of the cluster, so other hosts' and real agents' pods come by
 * too. spec.nodeName never changes once set, so an update has one node.
 * <p>
 * Threading: called on the informer's thread.
 */
final class PodRouter implements ResourceEventHandler<Pod> {

	private final Function<String, ResourceEventHandler<Pod>> nodes;

	/**
	 * @param nodes a hosted node's handler by node name, null for other nodes
	 */
	PodRouter(Function<String, ResourceEventHandler<Pod>> nodes) {
		this.nodes = nodes;
	}

	@Override
	public void onAdd(Pod pod) {
		ResourceEventHandler<Pod> node = nodeOf(pod);
		if (node != null) {
			node.onAdd(pod);
		}
	}

	@Override
	public void onUpdate(Pod before, Pod after) {
		ResourceEventHandler<Pod> node = nodeOf(after);
		if (node != null) {
			node.onUpdate(before, after);
		}
	}

	@Override
	public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
		ResourceEventHandler<Pod> node = nodeOf(pod);
		if (node != null) {
			node.onDelete(pod, deletedFinalStateUnknown);
		}
	}

	private ResourceEventHandler<Pod> nodeOf(Pod pod) {
		String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
		return node == null || node.isEmpty() ? null : this.nodes.apply(node);
	}

}
