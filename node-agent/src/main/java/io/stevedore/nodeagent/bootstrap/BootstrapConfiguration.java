package io.stevedore.nodeagent.bootstrap;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.nodeagent.config.NodeAgentProperties;
import io.stevedore.nodeagent.config.NodeIdentity;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code stevedore.node.bootstrap.token-file} set, the agent's API client is the
 * node's own certificate, bootstrapped first if it has none (client-support's shared
 * client backs off).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "stevedore.node.bootstrap.token-file")
@EnableConfigurationProperties(BootstrapProperties.class)
public class BootstrapConfiguration {

	@Bean(destroyMethod = "close")
	KubernetesClient kubernetesClient(ApiServerClientProperties api, BootstrapProperties bootstrap,
			NodeAgentProperties node) {
		String nodeName = NodeIdentity.resolve(node).name();
		return KubernetesClients.create(new TlsBootstrap(api, bootstrap, Clock.systemUTC()).nodeCredentials(nodeName));
	}

}
