package io.stevedore.proxy.ingress.support;

import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;

/**
 * Builders of what Ingress tests and the benchmark feed the controller: Services with one
 * port 80 named {@code http}, their EndpointSlices, Ingresses, rules and backends.
 */
public final class IngressObjects {

	private IngressObjects() {
	}

	/** Service {@code namespace/name} with port 80 "http" → 8080. */
	public static Service service(String namespace, String name) {
		return new ServiceBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.addNewPort()
			.withName("http")
			.withPort(80)
			.withTargetPort(new IntOrString(8080))
			.endPort()
			.endSpec()
			.build();
	}

	/**
	 * A slice of {@code service} for its "http" port on {@code targetPort}: the
	 * {@code ready} addresses ready, the {@code notReady} ones not.
	 */
	public static EndpointSlice slice(String namespace, String name, String service, int targetPort,
			java.util.List<String> ready, java.util.List<String> notReady) {
		EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.withLabels(Map.of("kubernetes.io/service-name", service))
			.endMetadata()
			.withAddressType("IPv4")
			.withPorts(new EndpointPortBuilder().withName("http").withProtocol("TCP").withPort(targetPort).build());
		ready.forEach(ip -> slice.addToEndpoints(endpoint(ip, true)));
		notReady.forEach(ip -> slice.addToEndpoints(endpoint(ip, false)));
		return slice.build();
	}

	private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String ip, boolean ready) {
		return new EndpointBuilder().withAddresses(ip).withNewConditions().withReady(ready).endConditions().build();
	}

	/** The backend Service {@code service}, port 80. */
	public static IngressBackend backend(String service) {
		return new IngressBackendBuilder().withNewService()
			.withName(service)
			.withNewPort()
			.withNumber(80)
			.endPort()
			.endService()
			.build();
	}

	/** An Ingress without rules yet; {@code className} may be null. */
	public static IngressBuilder ingress(String namespace, String name, String className) {
		return new IngressBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withIngressClassName(className)
			.endSpec();
	}

	/** A rule of {@code host} (null: any) with (path, pathType, service) triples. */
	public static IngressRuleBuilder rule(String host, String... pathTypeService) {
		IngressRuleBuilder rule = new IngressRuleBuilder().withHost(host).withNewHttp().endHttp();
		for (int i = 0; i < pathTypeService.length; i += 3) {
			rule.editHttp()
				.addToPaths(new HTTPIngressPathBuilder().withPath(pathTypeService[i])
					.withPathType(pathTypeService[i + 1])
					.withBackend(backend(pathTypeService[i + 2]))
					.build())
				.endHttp();
		}
		return rule;
	}

}
