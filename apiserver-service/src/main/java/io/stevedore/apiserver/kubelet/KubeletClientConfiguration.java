package io.stevedore.apiserver.kubelet;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The apiserver's transport to node agents, from {@code stevedore.apiserver.kubelet.*}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KubeletClientProperties.class)
public class KubeletClientConfiguration {

	@Bean
	KubeletTransport kubeletTransport(KubeletClientProperties properties) {
		return KubeletTransport.of(properties);
	}

}
