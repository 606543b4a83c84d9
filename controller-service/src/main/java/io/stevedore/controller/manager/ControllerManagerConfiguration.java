package io.stevedore.controller.manager;

import java.time.Clock;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ControllerManagerProperties.class)
public class ControllerManagerConfiguration {

	@Bean
	Clock controllerClock() {
		return Clock.systemUTC();
	}

	@Bean
	ControllerManager controllerManager(KubernetesClient client, ControllerManagerProperties properties,
			List<ControllerFactory> factories, Clock clock) {
		return new ControllerManager(client, properties, factories, clock);
	}

}
