package io.stevedore.gateway.limits;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the in-flight caps and the per-user rate limit. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
public class LimitsConfiguration {

	@Bean
	RequestLimitFilter requestLimitFilter(LimitsProperties limits, ObjectProvider<MeterRegistry> registry) {
		return new RequestLimitFilter(
				new InFlightLimiter(limits.maxRequestsInflight(), limits.maxMutatingRequestsInflight()),
				new TokenBuckets(limits.userQps(), limits.userBurst(), System::nanoTime), registry.getIfAvailable());
	}

}
