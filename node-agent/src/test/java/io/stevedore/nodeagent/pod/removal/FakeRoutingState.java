package io.stevedore.nodeagent.pod.removal;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

/** Slices and proxy Leases as a test sets them. */
public final class FakeRoutingState implements RoutingState {

	public final List<EndpointSlice> slices = new CopyOnWriteArrayList<>();

	public final List<Lease> leases = new CopyOnWriteArrayList<>();

	public final Set<String> serving = new HashSet<>();

	public volatile long revision;

	@Override
	public List<EndpointSlice> slices(String namespace) {
		return this.slices.stream().filter(s -> namespace.equals(s.getMetadata().getNamespace())).toList();
	}

	@Override
	public long sliceRevision() {
		return this.revision;
	}

	@Override
	public List<Lease> proxyLeases() {
		return new ArrayList<>(this.leases);
	}

	@Override
	public boolean wasServing(String podUid, String podIp) {
		return this.serving.contains(podUid);
	}

	@Override
	public void forget(String podUid, String podIp) {
		this.serving.remove(podUid);
	}

	/**
	 * Puts (or replaces) a slice in {@code default} listing the pod with that readiness.
	 */
	public void slice(String name, long resourceVersion, String podUid, String podIp, boolean ready) {
		this.slices.removeIf(s -> s.getMetadata().getName().equals(name));
		this.slices.add(new EndpointSliceBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("default")
			.withResourceVersion(Long.toString(resourceVersion))
			.endMetadata()
			.withAddressType("IPv4")
			.addNewEndpoint()
			.withAddresses(podIp)
			.withNewConditions()
			.withReady(ready)
			.withTerminating(!ready)
			.endConditions()
			.withNewTargetRef()
			.withKind("Pod")
			.withUid(podUid)
			.endTargetRef()
			.endEndpoint()
			.build());
		this.revision = Math.max(this.revision, resourceVersion);
	}

	/** Puts (or replaces) a proxy's Lease, renewed at {@code renewed}. */
	public void proxy(String node, ZonedDateTime renewed, int durationSeconds, Long applied) {
		String name = EndpointRemovalGate.PROXY_LEASE_PREFIX + node;
		this.leases.removeIf(l -> l.getMetadata().getName().equals(name));
		this.leases.add(new LeaseBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("kube-node-lease")
			.withAnnotations(
					applied == null ? Map.of() : Map.of(EndpointRemovalGate.APPLIED_ANNOTATION, Long.toString(applied)))
			.endMetadata()
			.withNewSpec()
			.withHolderIdentity(node)
			.withRenewTime(renewed)
			.withLeaseDurationSeconds(durationSeconds)
			.endSpec()
			.build());
	}

}
