package io.stevedore.proxy.service.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stevedore.proxy.service.model.DataPlane;
import io.stevedore.proxy.service.model.Ipv4;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.StateBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Service proxy's loop: informers on Services, EndpointSlices and Nodes mark the
 * state dirty; one thread builds a fresh {@link ProxyState} from the caches and hands it
 * to the data plane, at most once per {@code syncMinInterval} (a burst of changes is one
 * sync) and at least once per {@code syncPeriod}. After each applied sync it publishes
 * the EndpointSlice revision now in the data plane ({@link AppliedRevisionLease}), fills
 * LoadBalancer statuses and reports what could not be programmed as Events.
 */
public final class ServiceProxy implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);

	private final KubernetesClient client;

	private final DataPlane plane;

	private final String nodeName;

	private final List<String> configuredAddresses;

	private final AppliedRevisionLease lease;

	private final LoadBalancerStatusWriter loadBalancers;

	private final ServiceEvents events;

	private final Timer syncTimer;

	private final Counter syncFailures;

	private final AtomicLong rules = new AtomicLong();

	private final AtomicLong appliedRevision = new AtomicLong(-1);

	/** Highest EndpointSlice resourceVersion delivered to this process's cache. */
	private final AtomicLong seenSliceRevision = new AtomicLong(-1);

	private SharedIndexInformer<Service> services;

	private SharedIndexInformer<EndpointSlice> slices;

	private SharedIndexInformer<Node> nodes;

	private final SyncLoop loop;

	public ServiceProxy(KubernetesClient client, DataPlane plane, String nodeName, List<String> configuredAddresses,
			Duration minInterval, Duration period, AppliedRevisionLease lease, LoadBalancerStatusWriter loadBalancers,
			MeterRegistry registry, String mode) {
		this.client = client;
		this.plane = plane;
		this.nodeName = nodeName;
		this.configuredAddresses = List.copyOf(configuredAddresses);
		this.lease = lease;
		this.loadBalancers = loadBalancers;
		this.events = new ServiceEvents(client, nodeName);
		this.syncTimer = Timer.builder("stevedore.proxy.sync.duration")
			.description("time to build and apply the Service data plane")
			.tag("mode", mode)
			.publishPercentiles(0.5, 0.99)
			.register(registry);
		this.syncFailures = Counter.builder("stevedore.proxy.sync.failures").tag("mode", mode).register(registry);
		registry.gauge("stevedore.proxy.rules", List.of(io.micrometer.core.instrument.Tag.of("mode", mode)),
				this.rules);
		registry.gauge("stevedore.proxy.applied.revision", this.appliedRevision);
		this.loop = new SyncLoop("proxy-sync", minInterval, period, this::synced, this::syncOnce,
				this.syncFailures::increment);
	}

	public void start() {
		this.plane.start();
		ResourceEventHandler<HasMetadata> dirtying = new Dirtying(null);
		this.services = SyncLoop.inform(this.client.services().inAnyNamespace().runnableInformer(0), dirtying);
		this.slices = SyncLoop.inform(
				this.client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
				new Dirtying(this.seenSliceRevision));
		this.nodes = SyncLoop.inform(this.client.nodes().runnableInformer(0), dirtying);
		if (this.lease != null) {
			this.lease.start();
		}
		this.loop.start();
	}

	/**
	 * The EndpointSlice revision whose state the data plane holds, -1 before the first
	 * sync.
	 */
	public long appliedRevision() {
		return this.appliedRevision.get();
	}

	/** Asks for a sync (after at most {@code syncMinInterval}). */
	public void trigger() {
		this.loop.trigger();
	}

	private boolean synced() {
		return this.services.hasSynced() && this.slices.hasSynced() && this.nodes.hasSynced();
	}

	/** One sync; true when the data plane took the state. */
	boolean syncOnce() {
		// Read the revision first: the caches read below hold at least its state.
		long revision = Math.max(this.seenSliceRevision.get(), parse(this.slices.lastSyncResourceVersion()));
		List<Service> serviceList = this.services.getStore().list();
		ProxyState state = StateBuilder.build(serviceList, this.slices.getStore().list(), this.nodeName,
				nodeAddresses());
		long start = System.nanoTime();
		DataPlane.ApplyResult result = this.plane.apply(state);
		this.syncTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		if (!result.applied()) {
			log.warn("data plane not programmed: {}", result.error());
			return false;
		}
		this.rules.set(result.rules());
		this.appliedRevision.accumulateAndGet(revision, Math::max);
		if (this.lease != null) {
			this.lease.applied(this.appliedRevision.get());
		}
		Map<String, String> problems = new HashMap<>(state.problems());
		problems.putAll(result.failures());
		Map<String, Service> byKey = serviceList.stream()
			.collect(Collectors.toMap(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(),
					Function.identity(), (a, b) -> a));
		this.events.report(problems, byKey);
		if (this.loadBalancers != null) {
			this.loadBalancers.reconcile(serviceList, this.nodes.getStore().list());
		}
		log.debug("proxy synced ports={} rules={} revision={}", state.ports().size(), result.rules(), revision);
		return true;
	}

	private List<String> nodeAddresses() {
		if (!this.configuredAddresses.isEmpty()) {
			return this.configuredAddresses;
		}
		Set<String> addresses = new LinkedHashSet<>();
		Node node = this.nodes.getStore().getByKey(this.nodeName);
		if (node != null && node.getStatus() != null && node.getStatus().getAddresses() != null) {
			for (NodeAddress address : node.getStatus().getAddresses()) {
				if (("InternalIP".equals(address.getType()) || "ExternalIP".equals(address.getType()))
						&& Ipv4.isValid(address.getAddress())) {
					addresses.add(address.getAddress());
				}
			}
		}
		addresses.add("127.0.0.1");
		return new ArrayList<>(addresses);
	}

	private static long parse(String resourceVersion) {
		try {
			return (resourceVersion == null) ? -1 : Long.parseLong(resourceVersion);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Stops syncing, then removes the rules before anything that talks to the apiserver:
	 * the kernel cleanup is local and must happen within the stop timeout (compose gives
	 * 10-20 s before SIGKILL), while the Lease delete can wait on an apiserver that is
	 * stopping at the same time.
	 */
	@Override
	public void close() {
		this.loop.close();
		this.plane.close();
		for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] { this.services, this.slices,
				this.nodes }) {
			if (informer != null) {
				informer.close();
			}
		}
		if (this.lease != null) {
			this.lease.close();
		}
	}

	/**
	 * Marks the state dirty on every change; optionally records the highest revision
	 * seen.
	 */
	private final class Dirtying implements ResourceEventHandler<HasMetadata> {

		private final AtomicLong revision;

		Dirtying(AtomicLong revision) {
			this.revision = revision;
		}

		private void seen(HasMetadata object) {
			if (this.revision != null && object != null && object.getMetadata() != null) {
				this.revision.accumulateAndGet(parse(object.getMetadata().getResourceVersion()), Math::max);
			}
			trigger();
		}

		@Override
		public void onAdd(HasMetadata object) {
			seen(object);
		}

		@Override
		public void onUpdate(HasMetadata oldObject, HasMetadata newObject) {
			seen(newObject);
		}

		@Override
		public void onDelete(HasMetadata object, boolean deletedFinalStateUnknown) {
			seen(object);
		}

	}

}
