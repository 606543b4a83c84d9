package io.stevedore.client.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class ClientSupportAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClientSupportAutoConfiguration.class));

	@Test
	void withoutConfigurationTheClientTalksToTheLocalApiserver() {
		this.runner.run((context) -> assertThat(context.getBean(KubernetesClient.class).getMasterUrl().toString())
			.startsWith("http://127.0.0.1:8080"));
	}

	@Test
	void theApiserverUrlComesFromStevedoreApiserverUrl() {
		this.runner.withPropertyValues("stevedore.apiserver.url=http://127.0.0.2:9999")
			.run((context) -> assertThat(context.getBean(KubernetesClient.class).getMasterUrl().toString())
				.startsWith("http://127.0.0.2:9999"));
	}

}
