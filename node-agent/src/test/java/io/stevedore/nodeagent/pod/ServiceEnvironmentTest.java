package io.stevedore.nodeagent.pod;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceEnvironmentTest {

	private static final Service REDIS = service("redis-primary", "10.96.0.20", "TCP", 6379, "client");

	private static final Service KUBERNETES = service("kubernetes", "10.96.0.1", "TCP", 443, "https");

	@Test
	void aServiceGivesDockerLinkStyleVariables() {
		Map<String, String> env = ServiceEnvironment.of("shop", true, List.of(REDIS), KUBERNETES);
		assertThat(env).containsEntry("REDIS_PRIMARY_SERVICE_HOST", "10.96.0.20")
			.containsEntry("REDIS_PRIMARY_SERVICE_PORT", "6379")
			.containsEntry("REDIS_PRIMARY_SERVICE_PORT_CLIENT", "6379")
			.containsEntry("REDIS_PRIMARY_PORT", "tcp://10.96.0.20:6379")
			.containsEntry("REDIS_PRIMARY_PORT_6379_TCP", "tcp://10.96.0.20:6379")
			.containsEntry("REDIS_PRIMARY_PORT_6379_TCP_PROTO", "tcp")
			.containsEntry("REDIS_PRIMARY_PORT_6379_TCP_PORT", "6379")
			.containsEntry("REDIS_PRIMARY_PORT_6379_TCP_ADDR", "10.96.0.20")
			.containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1")
			.containsEntry("KUBERNETES_SERVICE_PORT", "443");
	}

	@Test
	void withServiceLinksOffOnlyTheKubernetesServiceRemains() {
		Map<String, String> env = ServiceEnvironment.of("shop", false, List.of(REDIS), KUBERNETES);
		assertThat(env).containsKey("KUBERNETES_SERVICE_HOST").doesNotContainKey("REDIS_PRIMARY_SERVICE_HOST");
	}

	@Test
	void headlessServicesGiveNoVariables() {
		Service headless = service("db", "None", "TCP", 5432, null);
		assertThat(ServiceEnvironment.of("shop", true, List.of(headless), null)).isEmpty();
	}

	private static Service service(String name, String ip, String protocol, int port, String portName) {
		return new ServiceBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withClusterIP(ip)
			.addNewPort()
			.withName(portName)
			.withProtocol(protocol)
			.withPort(port)
			.endPort()
			.endSpec()
			.build();
	}

}
