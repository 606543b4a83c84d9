package io.stevedore.nodeagent.pod.removal;

import java.util.List;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * What the agent knows about who routes to its pods: EndpointSlices and the proxies'
 * Leases, from informer caches. An interface so the removal protocol is unit-tested with
 * a fake.
 * <p>
 * Threading: implementations are read from several pod workers at once.
 */
public interface RoutingState {

	/** The EndpointSlices of a namespace. */
	List<EndpointSlice> slices(String namespace);

	/** The highest EndpointSlice revision this agent has seen (the watch's position). */
	long sliceRevision();

	/** Every proxy's Lease ({@code kube-node-lease/stevedore-proxy-<node>}). */
	List<Lease> proxyLeases();

	/**
	 * Whether an EndpointSlice ever showed this pod (by targetRef uid, or by IP when it
	 * has no targetRef) ready or serving since the agent started.
	 */
	boolean wasServing(String podUid, String podIp);

	/** The pod is gone: its memory can go. */
	void forget(String podUid, String podIp);

}
