package io.stevedore.proxy.dns;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Cluster DNS, when {@code stevedore.proxy.dns.enabled=true}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "stevedore.proxy.dns", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(DnsProperties.class)
class ClusterDnsConfiguration {

	@Bean
	ClusterDns clusterDns(DnsProperties properties, KubernetesClient client, MeterRegistry registry) {
		return new ClusterDns(properties, client, registry);
	}

}
