package io.stevedore.gateway.admission.podsecurity;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.gateway.admission.podsecurity.policy.Evaluator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the PodSecurity plugin in the admission chain. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PodSecurityProperties.class)
public class PodSecurityConfiguration {

	@Bean
	InformerClusterReader podSecurityClusterReader(KubernetesClient client) {
		return new InformerClusterReader(client);
	}

	@Bean
	PodSecurityPlugin podSecurityPlugin(PodSecurityProperties properties, InformerClusterReader cluster,
			ObjectProvider<MeterRegistry> registry) {
		Evaluator evaluator = Evaluator.standard();
		MeterRegistry meters = registry.getIfAvailable();
		PodSecurityMetrics metrics = meters == null ? PodSecurityMetrics.NONE
				: new PodSecurityMetrics(meters, evaluator.newestVersion().minor());
		return new PodSecurityPlugin(
				new PodSecurityAdmission(evaluator, properties, cluster, Clock.systemUTC(), metrics));
	}

}
