package io.stevedore.proxy.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.stevedore.proxy.service.support.Objects;

/** The fake behind zone tests: Services and slices in maps, plus builders for them. */
final class InMemoryClusterRecords implements ClusterRecords {

	private final Map<String, Service> services = new ConcurrentHashMap<>();

	private final Map<String, EndpointSlice> slices = new ConcurrentHashMap<>();

	volatile boolean synced = true;

	InMemoryClusterRecords add(Service service) {
		this.services.put(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName(), service);
		return this;
	}

	InMemoryClusterRecords add(EndpointSlice slice) {
		this.slices.put(slice.getMetadata().getNamespace() + "/" + slice.getMetadata().getName(), slice);
		return this;
	}

	@Override
	public boolean synced() {
		return this.synced;
	}

	@Override
	public Optional<Service> service(String namespace, String name) {
		return Optional.ofNullable(this.services.get(namespace + "/" + name));
	}

	@Override
	public boolean hasServices(String namespace) {
		return this.services.values().stream().anyMatch((s) -> s.getMetadata().getNamespace().equals(namespace));
	}

	@Override
	public List<EndpointSlice> endpointSlices(String namespace, String service) {
		return this.slices.values()
			.stream()
			.filter((s) -> s.getMetadata().getNamespace().equals(namespace) && service.equals(ClusterZone.serviceOf(s)))
			.toList();
	}

	@Override
	public List<Service> servicesWithClusterIp(String ip) {
		return this.services.values()
			.stream()
			.filter((s) -> s.getSpec().getClusterIPs() != null
					&& s.getSpec().getClusterIPs().stream().anyMatch((c) -> ip.equals(IpLiterals.normalize(c))))
			.toList();
	}

	@Override
	public List<EndpointSlice> endpointSlicesWithAddress(String ip) {
		return this.slices.values()
			.stream()
			.filter((s) -> s.getEndpoints()
				.stream()
				.anyMatch((e) -> e.getAddresses().stream().anyMatch((a) -> ip.equals(IpLiterals.normalize(a)))))
			.toList();
	}

	@Override
	public long serial() {
		return 42;
	}

	/** A ClusterIP Service; a null {@code ip} lets the apiserver allocate one. */
	static Service clusterIp(String namespace, String name, String ip, ServicePort... ports) {
		return Objects.serviceBuilder(namespace, name, ip, ports)
			.editSpec()
			.withClusterIPs(ip == null ? null : List.of(ip))
			.endSpec()
			.build();
	}

	static Service headless(String namespace, String name, ServicePort... ports) {
		return clusterIp(namespace, name, "None", ports);
	}

	static Service externalName(String namespace, String name, String target) {
		return new ServiceBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withType("ExternalName")
			.withExternalName(target)
			.endSpec()
			.build();
	}

	static ServicePort port(String name, String protocol, int port) {
		return new ServicePortBuilder().withName(name)
			.withProtocol(protocol)
			.withPort(port)
			.withTargetPort(new IntOrString(port))
			.build();
	}

	static EndpointPort slicePort(String name, String protocol, int port) {
		return new EndpointPortBuilder().withName(name).withProtocol(protocol).withPort(port).build();
	}

	static Endpoint endpoint(String address, String hostname, boolean ready) {
		return new EndpointBuilder().withAddresses(address)
			.withHostname(hostname)
			.withNewConditions()
			.withReady(ready)
			.endConditions()
			.build();
	}

	static EndpointSlice slice(String namespace, String service, String name, String addressType,
			List<EndpointPort> ports, Endpoint... endpoints) {
		return new EndpointSliceBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.withLabels(Map.of("kubernetes.io/service-name", service))
			.endMetadata()
			.withAddressType(addressType)
			.withPorts(new ArrayList<>(ports))
			.withEndpoints(endpoints)
			.build();
	}

}
