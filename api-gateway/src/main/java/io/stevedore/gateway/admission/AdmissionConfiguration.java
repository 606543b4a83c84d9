package io.stevedore.gateway.admission;

import io.stevedore.gateway.config.GatewayProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The admission chain: every {@link AdmissionPlugin} bean, in {@code @Order}
 * ({@link AdmissionOrder}), and the loopback endpoint the apiservers call. To add a
 * plugin, declare it as a bean anywhere with its {@code @Order}; nothing here changes.
 */
@Configuration(proxyBeanMethods = false)
public class AdmissionConfiguration {

	@Bean
	AdmissionChain admissionChain(ObjectProvider<AdmissionPlugin> plugins) {
		return new AdmissionChain(plugins.orderedStream().toList());
	}

	@Bean
	AdmissionReviewHandler admissionReviewHandler(AdmissionChain chain) {
		return new AdmissionReviewHandler(chain);
	}

	/** Served only when a port is set: the apiservers must be told the same URL. */
	@Bean
	@ConditionalOnExpression("${stevedore.gateway.admission.port:-1} >= 0")
	AdmissionServer admissionServer(AdmissionReviewHandler handler, GatewayProperties properties) {
		return new AdmissionServer(handler, properties.admission().address(), properties.admission().port());
	}

}
