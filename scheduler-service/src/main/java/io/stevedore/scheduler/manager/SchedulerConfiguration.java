package io.stevedore.scheduler.manager;

import java.time.Clock;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.scheduler.config.SchedulerProperties;
import io.stevedore.scheduler.core.ApiSchedulingOutcomes;
import io.stevedore.scheduler.core.SchedulerMetrics;
import io.stevedore.scheduler.plugins.InTreePlugins;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the scheduler: client, plugins, outcomes, metrics and the leader-elected manager.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ SchedulerProperties.class, ApiServerClientProperties.class })
public class SchedulerConfiguration {

	/**
	 * The shared client, with more concurrent requests per host than fabric8's 5: binds
	 * and events run in parallel and would otherwise queue behind each other.
	 */
	@Bean(destroyMethod = "close")
	KubernetesClient kubernetesClient(ApiServerClientProperties properties) {
		return new KubernetesClientBuilder()
			.withConfig(new ConfigBuilder(KubernetesClients.config(properties)).withMaxConcurrentRequests(256)
				.withMaxConcurrentRequestsPerHost(128)
				.build())
			.build();
	}

	@Bean
	Clock schedulerClock() {
		return Clock.systemUTC();
	}

	@Bean
	SchedulerMetrics schedulerMetrics(MeterRegistry registry) {
		return new SchedulerMetrics(registry);
	}

	@Bean(destroyMethod = "close")
	ApiSchedulingOutcomes schedulingOutcomes(KubernetesClient client, Clock clock) {
		return new ApiSchedulingOutcomes(client, clock, "stevedore-scheduler");
	}

	@Bean
	SchedulerManager schedulerManager(KubernetesClient client, SchedulerProperties properties,
			ApiSchedulingOutcomes outcomes, SchedulerMetrics metrics, Clock clock) {
		return new SchedulerManager(client, properties, InTreePlugins.registry(), outcomes, metrics, clock);
	}

}
