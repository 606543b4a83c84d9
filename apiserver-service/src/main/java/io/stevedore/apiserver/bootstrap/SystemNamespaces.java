package io.stevedore.apiserver.bootstrap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.apiserver.http.ResourceHandlers;
import io.stevedore.apiserver.rest.Scope;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Creates the namespaces every Kubernetes cluster has (default, kube-system, kube-public,
 * kube-node-lease) through the ordinary create path, so they carry the same metadata as
 * any other namespace. Idempotent: several replicas may race; AlreadyExists is success.
 */
@Component
@Order(1)
public class SystemNamespaces implements ApplicationRunner {

	static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

	private static final Logger log = LoggerFactory.getLogger(SystemNamespaces.class);

	private final ResourceHandlers handlers;

	private final ResourceType namespaces;

	public SystemNamespaces(ResourceHandlers handlers, ResourceRegistry registry) {
		this.handlers = handlers;
		this.namespaces = registry.find("", "v1", "namespaces").orElseThrow();
	}

	@Override
	public void run(ApplicationArguments args) {
		for (String name : NAMES) {
			byte[] body = ("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}")
				.getBytes(StandardCharsets.UTF_8);
			RequestInfo info = new RequestInfo("create", "", "v1", "", "namespaces", "", "", "/api/v1/namespaces");
			Scope scope = new Scope(info, this.namespaces, Map.of("fieldManager", "stevedore-apiserver"), body,
					"application/json", "stevedore-apiserver");
			try {
				this.handlers.creates().create(scope);
				log.info("created system namespace name={}", name);
			}
			catch (ApiException ex) {
				if (ex.code() != 409) {
					throw ex;
				}
			}
		}
	}

}
