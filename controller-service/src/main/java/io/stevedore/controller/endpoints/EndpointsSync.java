package io.stevedore.controller.endpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;

/**
 * Kubernetes' endpoints controller {@code syncService}: the Endpoints object named after
 * a Service with a selector lists the IPs of its pods, ready ones under
 * {@code addresses}, the others under {@code notReadyAddresses} (all under addresses when
 * publishNotReadyAddresses), grouped into subsets by the ports each pod resolves. A
 * Service without a selector is left to the user; a deleted Service loses its Endpoints.
 */
public final class EndpointsSync implements Reconciler {

	private final CacheLister<Service> services;

	private final CacheLister<Pod> pods;

	private final CacheLister<Endpoints> endpoints;

	private final EndpointsWrites writes;

	public EndpointsSync(CacheLister<Service> services, CacheLister<Pod> pods, CacheLister<Endpoints> endpoints,
			EndpointsWrites writes) {
		this.services = services;
		this.pods = pods;
		this.endpoints = endpoints;
		this.writes = writes;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		String namespace = Keys.namespace(key);
		String name = Keys.name(key);
		Service service = this.services.get(namespace, name);
		Endpoints current = this.endpoints.get(namespace, name);
		if (service == null) {
			if (current != null) {
				this.writes.delete(namespace, name);
			}
			return Result.done();
		}
		if (!ServicePods.hasSelector(service)) {
			return Result.done();
		}
		boolean publishNotReady = ServicePods.publishNotReady(service);
		List<EndpointSubset> subsets = subsets(service,
				ServicePods.backends(service, this.pods.list(namespace), publishNotReady), publishNotReady);
		Map<String, String> labels = new HashMap<>(
				service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels());
		if (ServicePods.isHeadless(service)) {
			labels.put(ServicePods.HEADLESS_LABEL, "");
		}
		List<EndpointSubset> truncated = EndpointsTruncation.truncate(subsets, EndpointsTruncation.MAX_CAPACITY);
		Map<String, String> annotations = new HashMap<>(
				current == null || current.getMetadata().getAnnotations() == null ? Map.of()
						: current.getMetadata().getAnnotations());
		if (truncated != null) {
			subsets = truncated;
			annotations.put(EndpointsTruncation.OVER_CAPACITY, "truncated");
		}
		else {
			annotations.remove(EndpointsTruncation.OVER_CAPACITY);
		}
		if (current == null) {
			this.writes.create(new EndpointsBuilder().withNewMetadata()
				.withName(name)
				.withNamespace(namespace)
				.withLabels(labels)
				.withAnnotations(annotations)
				.endMetadata()
				.withSubsets(subsets)
				.build());
			return Result.done();
		}
		List<EndpointSubset> currentSubsets = current.getSubsets() == null ? List.of() : current.getSubsets();
		Map<String, String> currentLabels = current.getMetadata().getLabels() == null ? Map.of()
				: current.getMetadata().getLabels();
		Map<String, String> currentAnnotations = current.getMetadata().getAnnotations() == null ? Map.of()
				: current.getMetadata().getAnnotations();
		if (currentSubsets.equals(subsets) && currentLabels.equals(labels) && currentAnnotations.equals(annotations)) {
			return Result.done();
		}
		Endpoints updated = new EndpointsBuilder(current).editMetadata()
			.withLabels(labels)
			.withAnnotations(annotations)
			.endMetadata()
			.withSubsets(subsets)
			.build();
		this.writes.update(updated);
		return Result.done();
	}

	/**
	 * Kubernetes' {@code RepackSubsets}: one subset per distinct port set, addresses
	 * sorted by IP, so equal inputs give byte-equal objects and no needless writes.
	 */
	static List<EndpointSubset> subsets(Service service, List<ServicePods.Backend> backends, boolean publishNotReady) {
		boolean noPorts = service.getSpec().getPorts() == null || service.getSpec().getPorts().isEmpty();
		Map<List<ServicePods.ResolvedPort>, List<EndpointAddress>> ready = new LinkedHashMap<>();
		Map<List<ServicePods.ResolvedPort>, List<EndpointAddress>> notReady = new LinkedHashMap<>();
		for (ServicePods.Backend backend : backends) {
			List<ServicePods.ResolvedPort> ports = sortedPorts(backend.ports());
			if (ports.isEmpty() && !(noPorts && ServicePods.isHeadless(service))) {
				// Without a port it cannot be reached, except through a headless
				// Service that declares none.
				continue;
			}
			EndpointAddress address = address(backend);
			boolean isReady = publishNotReady || backend.ready();
			(isReady ? ready : notReady).computeIfAbsent(ports, k -> new ArrayList<>()).add(address);
			(isReady ? notReady : ready).computeIfAbsent(ports, k -> new ArrayList<>());
		}
		List<List<ServicePods.ResolvedPort>> keys = new ArrayList<>(ready.keySet());
		keys.sort(Comparator.comparing(Object::toString));
		List<EndpointSubset> subsets = new ArrayList<>();
		Comparator<EndpointAddress> byIp = Comparator.comparing(EndpointAddress::getIp)
			.thenComparing(a -> a.getTargetRef() == null ? "" : Objects.toString(a.getTargetRef().getUid(), ""));
		for (List<ServicePods.ResolvedPort> portKey : keys) {
			List<EndpointAddress> addresses = new ArrayList<>(ready.get(portKey));
			List<EndpointAddress> notReadyAddresses = new ArrayList<>(notReady.get(portKey));
			addresses.sort(byIp);
			notReadyAddresses.sort(byIp);
			EndpointSubsetBuilder subset = new EndpointSubsetBuilder();
			if (!addresses.isEmpty()) {
				subset.withAddresses(addresses);
			}
			if (!notReadyAddresses.isEmpty()) {
				subset.withNotReadyAddresses(notReadyAddresses);
			}
			if (!portKey.isEmpty()) {
				subset.withPorts(portKey.stream().map(EndpointsSync::endpointPort).toList());
			}
			subsets.add(subset.build());
		}
		return subsets;
	}

	private static List<ServicePods.ResolvedPort> sortedPorts(List<ServicePods.ResolvedPort> ports) {
		List<ServicePods.ResolvedPort> sorted = new ArrayList<>(ports);
		sorted.sort(Comparator.comparing((ServicePods.ResolvedPort p) -> Objects.toString(p.name(), ""))
			.thenComparingInt(ServicePods.ResolvedPort::port)
			.thenComparing(ServicePods.ResolvedPort::protocol));
		return sorted;
	}

	private static EndpointAddress address(ServicePods.Backend backend) {
		Pod pod = backend.pod();
		return new EndpointAddressBuilder().withIp(backend.ip())
			.withHostname(backend.hostname())
			.withNodeName(pod.getSpec().getNodeName())
			.withTargetRef(new ObjectReferenceBuilder().withKind("Pod")
				.withNamespace(pod.getMetadata().getNamespace())
				.withName(pod.getMetadata().getName())
				.withUid(pod.getMetadata().getUid())
				.build())
			.build();
	}

	private static EndpointPort endpointPort(ServicePods.ResolvedPort port) {
		return new EndpointPortBuilder().withName(port.name())
			.withPort(port.port())
			.withProtocol(port.protocol())
			.withAppProtocol(port.appProtocol())
			.build();
	}

}
