package io.stevedore.gateway.admission.defaulttoleration;

import io.stevedore.gateway.admission.AdmissionOrder;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Registers the DefaultTolerationSeconds plugin in the admission chain. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DefaultTolerationSecondsProperties.class)
public class DefaultTolerationConfiguration {

	@Bean
	@Order(AdmissionOrder.DEFAULT_TOLERATION_SECONDS)
	DefaultTolerationSeconds defaultTolerationSeconds(DefaultTolerationSecondsProperties properties) {
		return new DefaultTolerationSeconds(properties.defaultNotReadyTolerationSeconds(),
				properties.defaultUnreachableTolerationSeconds());
	}

}
