package io.stevedore.proxy.ingress;

import java.net.InetSocketAddress;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.proxy.ingress.http.EndpointPicker;
import io.stevedore.proxy.ingress.http.IngressServer;
import io.stevedore.proxy.ingress.http.Metrics;
import io.stevedore.proxy.ingress.http.ProxySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Ingress controller, when {@code stevedore.proxy.ingress.enabled=true}: the HTTP(S)
 * server on its ports, then the loop feeding it routes. Bad settings fail the start with
 * the setting's name; a port that cannot be bound too.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IngressProperties.class)
@ConditionalOnProperty(prefix = "stevedore.proxy.ingress", name = "enabled", havingValue = "true")
class IngressConfiguration {

	private static final Logger log = LoggerFactory.getLogger(IngressConfiguration.class);

	@Bean(destroyMethod = "close")
	IngressServer ingressServer(IngressProperties properties, MeterRegistry registry) {
		properties.validate();
		int threads = (properties.threads() > 0) ? properties.threads() : Runtime.getRuntime().availableProcessors();
		EndpointPicker picker = new EndpointPicker(properties.breakerFailureRate(), properties.breakerWindow(),
				properties.breakerOpenDuration());
		IngressServer server = new IngressServer(threads, picker, new ProxySettings(properties.connectTimeout(),
				properties.readTimeout(), properties.retries(), properties.maxIdlePerEndpoint()),
				new Metrics(registry));
		try {
			if (properties.httpPort() >= 0) {
				InetSocketAddress http = server
					.listenHttp(new InetSocketAddress(properties.bindAddress(), properties.httpPort()));
				log.info("Ingress HTTP on {}", http);
			}
			if (properties.httpsPort() >= 0) {
				InetSocketAddress https = server
					.listenHttps(new InetSocketAddress(properties.bindAddress(), properties.httpsPort()));
				log.info("Ingress HTTPS on {}", https);
			}
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	@Bean(destroyMethod = "close")
	IngressController ingressController(KubernetesClient client, IngressProperties properties, IngressServer server,
			@Value("${stevedore.proxy.node-name:}") String nodeName) {
		String node = nodeName.isBlank() ? hostName() : nodeName;
		IngressController controller = new IngressController(client, properties, server, server.picker(), node);
		controller.start();
		return controller;
	}

	private static String hostName() {
		try {
			return java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
		}
		catch (java.net.UnknownHostException ex) {
			return "localhost";
		}
	}

}
