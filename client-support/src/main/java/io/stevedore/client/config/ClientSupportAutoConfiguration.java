package io.stevedore.client.config;

import io.fabric8.kubernetes.client.KubernetesClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Gives every service on the classpath of client-support one shared
 * {@link KubernetesClient} to the configured apiserver. A service may declare its own.
 */
@AutoConfiguration
@EnableConfigurationProperties(ApiServerClientProperties.class)
public class ClientSupportAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public KubernetesClient kubernetesClient(ApiServerClientProperties properties) {
		return KubernetesClients.create(properties);
	}

}
