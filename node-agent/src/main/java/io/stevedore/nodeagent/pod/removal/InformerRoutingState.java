package io.stevedore.nodeagent.pod.removal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * {@link RoutingState} on two informers: EndpointSlices (all namespaces) and the Leases
 * of kube-node-lease, of which only the proxies' count. As the slice informer's handler
 * it remembers which of this node's pods were ever shown serving, so a pod whose endpoint
 * is already gone from every slice still waits for the proxies, while a pod no Service
 * ever selected does not.
 * <p>
 * Threading: the handler runs on the informer's thread, readers on pod workers; the
 * memory is a concurrent set.
 */
public final class InformerRoutingState implements RoutingState, ResourceEventHandler<EndpointSlice> {

	private final String nodeName;

	private final Set<String> serving = ConcurrentHashMap.newKeySet();

	private final AtomicLong revision = new AtomicLong();

	private volatile SharedIndexInformer<EndpointSlice> slices;

	private volatile SharedIndexInformer<Lease> leases;

	public InformerRoutingState(String nodeName) {
		this.nodeName = nodeName;
	}

	/** Attaches the informers; this object must be the slice informer's handler. */
	public void attach(SharedIndexInformer<EndpointSlice> slices, SharedIndexInformer<Lease> leases) {
		this.slices = slices;
		this.leases = leases;
	}

	@Override
	public List<EndpointSlice> slices(String namespace) {
		return this.slices.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
	}

	@Override
	public long sliceRevision() {
		return Math.max(this.revision.get(), EndpointRemovalGate.revision(this.slices.lastSyncResourceVersion()));
	}

	@Override
	public List<Lease> proxyLeases() {
		return this.leases.getStore()
			.list()
			.stream()
			.filter(l -> l.getMetadata().getName().startsWith(EndpointRemovalGate.PROXY_LEASE_PREFIX))
			.toList();
	}

	@Override
	public boolean wasServing(String podUid, String podIp) {
		return this.serving.contains("uid:" + podUid) || (podIp != null && this.serving.contains("ip:" + podIp));
	}

	@Override
	public void forget(String podUid, String podIp) {
		this.serving.remove("uid:" + podUid);
		if (podIp != null) {
			this.serving.remove("ip:" + podIp);
		}
	}

	@Override
	public void onAdd(EndpointSlice slice) {
		seen(slice);
	}

	@Override
	public void onUpdate(EndpointSlice old, EndpointSlice slice) {
		seen(slice);
	}

	@Override
	public void onDelete(EndpointSlice slice, boolean deletedFinalStateUnknown) {
		seen(slice);
	}

	private void seen(EndpointSlice slice) {
		this.revision.accumulateAndGet(EndpointRemovalGate.revision(slice.getMetadata().getResourceVersion()),
				Math::max);
		if (slice.getEndpoints() == null) {
			return;
		}
		for (Endpoint endpoint : slice.getEndpoints()) {
			// Only this node's pods: the memory stays as small as the node.
			if (!this.nodeName.equals(endpoint.getNodeName()) || !servingNow(endpoint)) {
				continue;
			}
			if (endpoint.getTargetRef() != null && endpoint.getTargetRef().getUid() != null) {
				this.serving.add("uid:" + endpoint.getTargetRef().getUid());
			}
			else if (endpoint.getAddresses() != null) {
				endpoint.getAddresses().forEach(a -> this.serving.add("ip:" + a));
			}
		}
	}

	private static boolean servingNow(Endpoint endpoint) {
		return EndpointRemovalGate.ready(endpoint)
				|| (endpoint.getConditions() != null && Boolean.TRUE.equals(endpoint.getConditions().getServing()));
	}

}
