package io.stevedore.proxy.dns;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * {@link ClusterRecords} from two informers, every lookup an index read: Services by key,
 * namespace and ClusterIP; EndpointSlices by owning Service and by endpoint address. No
 * Pod informer: {@code pods insecure} needs none, and EndpointSlices carry the hostnames.
 */
final class InformerClusterRecords implements ClusterRecords, AutoCloseable {

	private static final String BY_SERVICE = "service";

	private static final String BY_IP = "ip";

	private final SharedIndexInformer<Service> services;

	private final SharedIndexInformer<EndpointSlice> slices;

	private final AtomicLong serial = new AtomicLong(System.currentTimeMillis() / 1000);

	InformerClusterRecords(KubernetesClient client) {
		this.services = client.services().inAnyNamespace().runnableInformer(0);
		this.services.addIndexers(Map.of(BY_IP, InformerClusterRecords::clusterIps));
		this.slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
		this.slices.addIndexers(Map.of(BY_SERVICE, InformerClusterRecords::serviceKey, BY_IP,
				InformerClusterRecords::endpointAddresses));
		ResourceEventHandler<HasMetadata> bump = new ResourceEventHandler<>() {
			@Override
			public void onAdd(HasMetadata object) {
				InformerClusterRecords.this.serial.incrementAndGet();
			}

			@Override
			public void onUpdate(HasMetadata oldObject, HasMetadata newObject) {
				InformerClusterRecords.this.serial.incrementAndGet();
			}

			@Override
			public void onDelete(HasMetadata object, boolean deletedFinalStateUnknown) {
				InformerClusterRecords.this.serial.incrementAndGet();
			}
		};
		this.services.addEventHandler(cast(bump));
		this.slices.addEventHandler(cast(bump));
	}

	/** Starts both informers and waits up to {@code timeout} for their first list. */
	boolean start(Duration timeout) throws InterruptedException {
		for (SharedIndexInformer<?> informer : List.of(this.services, this.slices)) {
			// Keep retrying while the apiserver is away rather than give up for good.
			informer.exceptionHandler((started, error) -> true);
			informer.start();
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!synced() && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		return synced();
	}

	@Override
	public void close() {
		this.services.close();
		this.slices.close();
	}

	@Override
	public boolean synced() {
		return this.services.hasSynced() && this.slices.hasSynced();
	}

	@Override
	public Optional<Service> service(String namespace, String name) {
		return Optional.ofNullable(this.services.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
	}

	@Override
	public boolean hasServices(String namespace) {
		return !this.services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).isEmpty();
	}

	@Override
	public List<EndpointSlice> endpointSlices(String namespace, String service) {
		return this.slices.getIndexer().byIndex(BY_SERVICE, namespace + "/" + service);
	}

	@Override
	public List<Service> servicesWithClusterIp(String ip) {
		return this.services.getIndexer().byIndex(BY_IP, ip);
	}

	@Override
	public List<EndpointSlice> endpointSlicesWithAddress(String ip) {
		return this.slices.getIndexer().byIndex(BY_IP, ip);
	}

	@Override
	public long serial() {
		return this.serial.get();
	}

	private static List<String> clusterIps(Service service) {
		List<String> ips = new ArrayList<>();
		if (service.getSpec() != null && service.getSpec().getClusterIPs() != null) {
			for (String ip : service.getSpec().getClusterIPs()) {
				add(ips, ip);
			}
		}
		if (ips.isEmpty() && service.getSpec() != null) {
			add(ips, service.getSpec().getClusterIP());
		}
		return ips;
	}

	private static List<String> serviceKey(EndpointSlice slice) {
		String service = ClusterZone.serviceOf(slice);
		return service == null ? List.of() : List.of(slice.getMetadata().getNamespace() + "/" + service);
	}

	private static List<String> endpointAddresses(EndpointSlice slice) {
		List<String> ips = new ArrayList<>();
		for (Endpoint endpoint : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
			for (String address : endpoint.getAddresses() == null ? List.<String>of() : endpoint.getAddresses()) {
				add(ips, address);
			}
		}
		return ips;
	}

	private static void add(List<String> ips, String ip) {
		String normalized = IpLiterals.normalize(ip);
		if (normalized != null && !ips.contains(normalized)) {
			ips.add(normalized);
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<?> handler) {
		return (ResourceEventHandler) handler;
	}

}
