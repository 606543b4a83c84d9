package io.stevedore.controller.endpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ControllerRefs;

/**
 * Kubernetes' EndpointSlice controller: for a Service with a selector, slices of at most
 * {@link #MAX_ENDPOINTS_PER_SLICE} endpoints, one group of slices per distinct port set,
 * each endpoint with its ready / serving / terminating conditions. Slices are owned by
 * the Service (the garbage collector removes them with it) and labelled with
 * {@code kubernetes.io/service-name} as kube-proxy and CoreDNS look them up.
 */
public final class EndpointSliceSync implements Reconciler {

	/** Kubernetes' --max-endpoints-per-slice default. */
	static final int MAX_ENDPOINTS_PER_SLICE = 100;

	static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

	static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

	static final String MANAGED_BY = "endpointslice-controller.k8s.io";

	private final CacheLister<Service> services;

	private final CacheLister<Pod> pods;

	private final CacheLister<EndpointSlice> slices;

	private final EndpointSliceWrites writes;

	public EndpointSliceSync(CacheLister<Service> services, CacheLister<Pod> pods, CacheLister<EndpointSlice> slices,
			EndpointSliceWrites writes) {
		this.services = services;
		this.pods = pods;
		this.slices = slices;
		this.writes = writes;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		String namespace = Keys.namespace(key);
		Service service = this.services.get(namespace, Keys.name(key));
		if (service == null || !ServicePods.hasSelector(service)) {
			// A deleted Service's slices go with it (ownerReference); a Service without
			// a selector gets its slices from the user.
			return Result.done();
		}
		List<EndpointSlice> existing = new ArrayList<>(this.slices.list(namespace)
			.stream()
			.filter(s -> s.getMetadata().getLabels() != null
					&& Keys.name(key).equals(s.getMetadata().getLabels().get(SERVICE_NAME_LABEL))
					&& MANAGED_BY.equals(s.getMetadata().getLabels().get(MANAGED_BY_LABEL)))
			.sorted(Comparator.comparing(s -> s.getMetadata().getName()))
			.toList());
		Map<String, String> labels = labels(service);
		for (Desired desired : desired(service, this.pods.list(namespace))) {
			EndpointSlice match = existing.stream()
				.filter(s -> ports(s).equals(desired.ports()))
				.findFirst()
				.orElse(null);
			if (match == null) {
				this.writes.create(new EndpointSliceBuilder().withNewMetadata()
					.withGenerateName(service.getMetadata().getName() + "-")
					.withNamespace(namespace)
					.withLabels(labels)
					.withOwnerReferences(ControllerRefs.of(service))
					.endMetadata()
					.withAddressType(desired.addressType())
					.withEndpoints(desired.endpoints())
					.withPorts(desired.ports())
					.build());
				continue;
			}
			existing.remove(match);
			if (!Objects.equals(endpoints(match), desired.endpoints())
					|| !labels.equals(match.getMetadata().getLabels())
					|| !desired.addressType().equals(match.getAddressType())) {
				this.writes.update(new EndpointSliceBuilder(match).editMetadata()
					.withLabels(labels)
					.endMetadata()
					.withAddressType(desired.addressType())
					.withEndpoints(desired.endpoints())
					.build());
			}
		}
		existing.forEach(this.writes::delete);
		return Result.done();
	}

	/** One slice's worth: a port set and up to 100 endpoints. */
	record Desired(String addressType, List<EndpointPort> ports, List<Endpoint> endpoints) {
	}

	/**
	 * The slices a Service should have. A Service with no ready pod still gets one empty
	 * slice, as in Kubernetes, so clients can tell "no endpoints" from "not synced yet".
	 */
	static List<Desired> desired(Service service, List<Pod> podsInNamespace) {
		boolean publishNotReady = ServicePods.publishNotReady(service);
		Map<List<EndpointPort>, List<Endpoint>> byPorts = new LinkedHashMap<>();
		List<ServicePods.Backend> backends = new ArrayList<>(ServicePods.backends(service, podsInNamespace, true));
		backends.sort(Comparator.comparing(ServicePods.Backend::ip));
		for (ServicePods.Backend backend : backends) {
			List<EndpointPort> ports = backend.ports().stream().map(EndpointSliceSync::port).toList();
			byPorts.computeIfAbsent(sortedPorts(ports), k -> new ArrayList<>()).add(endpoint(backend, publishNotReady));
		}
		String addressType = backends.stream().anyMatch(b -> b.ip().contains(":")) ? "IPv6" : "IPv4";
		List<Desired> desired = new ArrayList<>();
		if (byPorts.isEmpty()) {
			desired.add(new Desired(addressType, List.of(), List.of()));
			return desired;
		}
		byPorts.forEach((ports, endpoints) -> {
			for (int from = 0; from < endpoints.size(); from += MAX_ENDPOINTS_PER_SLICE) {
				desired.add(new Desired(addressType, ports, List
					.copyOf(endpoints.subList(from, Math.min(endpoints.size(), from + MAX_ENDPOINTS_PER_SLICE)))));
			}
		});
		return desired;
	}

	/**
	 * Kubernetes' endpoint conditions: serving is the pod's readiness; ready is serving
	 * and not terminating (or always, with publishNotReadyAddresses).
	 */
	private static Endpoint endpoint(ServicePods.Backend backend, boolean publishNotReady) {
		Pod pod = backend.pod();
		boolean ready = publishNotReady || (backend.ready() && !backend.terminating());
		return new EndpointBuilder().withAddresses(backend.ip())
			.withNewConditions()
			.withReady(ready)
			.withServing(backend.ready())
			.withTerminating(backend.terminating())
			.endConditions()
			.withHostname(backend.hostname())
			.withNodeName(pod.getSpec().getNodeName())
			.withTargetRef(new ObjectReferenceBuilder().withKind("Pod")
				.withNamespace(pod.getMetadata().getNamespace())
				.withName(pod.getMetadata().getName())
				.withUid(pod.getMetadata().getUid())
				.build())
			.build();
	}

	/**
	 * An unnamed Service port is named "" in the slice, as Kubernetes writes it (Go's
	 * empty string; the apiserver defaults a missing name to it). A null here never
	 * equals what the apiserver stored, so the slice would be recreated on every sync.
	 */
	private static EndpointPort port(ServicePods.ResolvedPort port) {
		return new EndpointPortBuilder().withName(Objects.toString(port.name(), ""))
			.withPort(port.port())
			.withProtocol(port.protocol())
			.withAppProtocol(port.appProtocol())
			.build();
	}

	private static List<EndpointPort> sortedPorts(List<EndpointPort> ports) {
		List<EndpointPort> sorted = new ArrayList<>(ports);
		sorted.sort(Comparator.comparing((EndpointPort p) -> Objects.toString(p.getName(), ""))
			.thenComparing(p -> p.getPort() == null ? 0 : p.getPort()));
		return sorted;
	}

	private static Map<String, String> labels(Service service) {
		Map<String, String> labels = new HashMap<>(
				service.getMetadata().getLabels() == null ? Map.of() : service.getMetadata().getLabels());
		labels.put(SERVICE_NAME_LABEL, service.getMetadata().getName());
		labels.put(MANAGED_BY_LABEL, MANAGED_BY);
		if (ServicePods.isHeadless(service)) {
			labels.put(ServicePods.HEADLESS_LABEL, "");
		}
		return labels;
	}

	private static List<EndpointPort> ports(EndpointSlice slice) {
		return slice.getPorts() == null ? List.of() : slice.getPorts();
	}

	private static List<Endpoint> endpoints(EndpointSlice slice) {
		return slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
	}

}
