package io.stevedore.nodeagent.hollow;

import java.util.List;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stevedore.nodeagent.pod.removal.RoutingState;

/**
 * What a hollow node knows of who routes to its pods: nothing, so a deleted pod's stop
 * never waits (the gate returns at once for a pod no slice showed serving). A simulated
 * pod's address carries no packet, so there is no connection for the wait to protect; and
 * the routing state of a real agent would cost a hollow host two more informers, one of
 * them on kube-node-lease, where its own thousand nodes renew a Lease every 2 s (500
 * watch events a second to filter out). The kubelet has no such wait at all; it is
 * Stevedore's fix for kubernetes#43576, which only real traffic can hit.
 */
final class NoRouting implements RoutingState {

	@Override
	public List<EndpointSlice> slices(String namespace) {
		return List.of();
	}

	@Override
	public long sliceRevision() {
		return 0;
	}

	@Override
	public List<Lease> proxyLeases() {
		return List.of();
	}

	@Override
	public boolean wasServing(String podUid, String podIp) {
		return false;
	}

	@Override
	public void forget(String podUid, String podIp) {
		// nothing remembered
	}

}
