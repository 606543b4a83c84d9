package io.stevedore.apiserver.streaming;

import io.stevedore.apiserver.kubelet.KubeletTransport;
import io.stevedore.apiserver.rest.RestContext;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Serves the streaming subresources of pods ahead of the API servlet, which never sees
 * them: an upgraded connection is not a request/response exchange it could handle.
 */
@Configuration(proxyBeanMethods = false)
public class StreamingConfiguration {

	@Bean
	FilterRegistrationBean<UpgradeProxyFilter> podStreamingProxy(RestContext context, KubeletTransport kubelets) {
		FilterRegistrationBean<UpgradeProxyFilter> registration = new FilterRegistrationBean<>(
				new UpgradeProxyFilter(context, kubelets));
		registration.addUrlPatterns("/api/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		registration.setAsyncSupported(true);
		return registration;
	}

}
