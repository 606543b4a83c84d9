package io.stevedore.apiserver.bootstrap;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import io.stevedore.apiserver.allocation.ServiceCidr;
import io.stevedore.apiserver.config.ApiServerProperties;
import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.apiserver.http.ResourceHandlers;
import io.stevedore.apiserver.rest.Scope;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * The {@code default/kubernetes} Service every cluster has (kube-apiserver's bootstrap
 * controller): ClusterIP the first address of the service CIDR, port 443 named https.
 * Pods reach the API through it (KUBERNETES_SERVICE_HOST,
 * {@code kubernetes.default.svc}). With
 * {@code stevedore.apiserver.kubernetes-service-endpoint=IP:PORT} (the gateway as pods
 * reach it), its Endpoints and EndpointSlice point there, kept right at every start;
 * without it the Service has no endpoints and connections are refused.
 */
@Component
@Order(2)
public class KubernetesService implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(KubernetesService.class);

	private static final String MANAGER = "stevedore-apiserver";

	private final ResourceHandlers handlers;

	private final ResourceRegistry registry;

	private final String clusterIp;

	private final String endpoint;

	public KubernetesService(ResourceHandlers handlers, ResourceRegistry registry, ApiServerProperties properties,
			@Value("${stevedore.apiserver.kubernetes-service-endpoint:}") String endpoint) {
		this.handlers = handlers;
		this.registry = registry;
		this.clusterIp = new ServiceCidr(properties.apiserver().serviceCidr())
			.addressAt(ServiceCidr.KUBERNETES_SERVICE_OFFSET);
		this.endpoint = endpoint.isBlank() ? null : Endpoint.parse(endpoint);
	}

	@Override
	public void run(ApplicationArguments args) {
		create(type("", "services"), "services", """
				{"apiVersion":"v1","kind":"Service","metadata":{"name":"kubernetes","namespace":"default",
				"labels":{"component":"apiserver","provider":"kubernetes"}},
				"spec":{"type":"ClusterIP","clusterIP":"%s","sessionAffinity":"None",
				"ports":[{"name":"https","protocol":"TCP","port":443,"targetPort":%s}]}}""".formatted(this.clusterIp,
				this.endpoint == null ? "6443" : Endpoint.port(this.endpoint)));
		if (this.endpoint == null) {
			return;
		}
		String ip = Endpoint.ip(this.endpoint);
		String port = Endpoint.port(this.endpoint);
		createOrReplace(type("", "endpoints"), "endpoints", """
				{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"kubernetes","namespace":"default",
				"labels":{"endpointslice.kubernetes.io/skip-mirror":"true"}},
				"subsets":[{"addresses":[{"ip":"%s"}],"ports":[{"name":"https","port":%s,"protocol":"TCP"}]}]}"""
			.formatted(ip, port));
		createOrReplace(type("discovery.k8s.io", "endpointslices"), "endpointslices", """
				{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"kubernetes",
				"namespace":"default","labels":{"kubernetes.io/service-name":"kubernetes",
				"endpointslice.kubernetes.io/managed-by":"stevedore-apiserver"}},"addressType":"IPv4",
				"endpoints":[{"addresses":["%s"],"conditions":{"ready":true,"serving":true,"terminating":false}}],
				"ports":[{"name":"https","port":%s,"protocol":"TCP"}]}""".formatted(ip, port));
		log.info("default/kubernetes Service clusterIP={} endpoint={}", this.clusterIp, this.endpoint);
	}

	private void createOrReplace(ResourceType type, String resource, String json) {
		if (!create(type, resource, json)) {
			RequestInfo info = new RequestInfo("update", type.group(), type.version(), "default", resource,
					"kubernetes", "", "");
			this.handlers.updates().update(scope(info, type, json));
		}
	}

	/**
	 * @return whether it was created; false when it already exists.
	 */
	private boolean create(ResourceType type, String resource, String json) {
		RequestInfo info = new RequestInfo("create", type.group(), type.version(), "default", resource, "", "", "");
		try {
			this.handlers.creates().create(scope(info, type, json));
			return true;
		}
		catch (ApiException ex) {
			if (ex.code() != 409) {
				throw ex;
			}
			return false;
		}
	}

	private Scope scope(RequestInfo info, ResourceType type, String json) {
		return new Scope(info, type, Map.of("fieldManager", MANAGER), json.getBytes(StandardCharsets.UTF_8),
				"application/json", MANAGER);
	}

	private ResourceType type(String group, String resource) {
		return this.registry.find(group, "v1", resource).orElseThrow();
	}

	/** {@code IP:PORT} of the API as pods reach it. */
	static final class Endpoint {

		private Endpoint() {
		}

		static String parse(String value) {
			int colon = value.lastIndexOf(':');
			if (colon <= 0 || !value.substring(0, colon).matches("\\d{1,3}(\\.\\d{1,3}){3}")
					|| !value.substring(colon + 1).matches("\\d{1,5}")
					|| Integer.parseInt(value.substring(colon + 1)) > 65535) {
				throw new IllegalArgumentException(
						"stevedore.apiserver.kubernetes-service-endpoint must be IPv4:PORT, got \"" + value + "\"");
			}
			return value;
		}

		static String ip(String endpoint) {
			return endpoint.substring(0, endpoint.lastIndexOf(':'));
		}

		static String port(String endpoint) {
			return endpoint.substring(endpoint.lastIndexOf(':') + 1);
		}

	}

}
