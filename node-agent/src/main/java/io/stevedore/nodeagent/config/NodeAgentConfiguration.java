package io.stevedore.nodeagent.config;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.NodeAgent;
import io.stevedore.nodeagent.runtime.docker.DockerContainerRuntime;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The agent's beans. {@code stevedore.node.enabled=false} leaves only the web endpoints
 * (the actuator tests run that way, without Docker or an apiserver).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NodeAgentProperties.class)
@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "stevedore.node.enabled",
		havingValue = "true", matchIfMissing = true)
public class NodeAgentConfiguration {

	@Bean
	NodeIdentity nodeIdentity(NodeAgentProperties properties) {
		return NodeIdentity.resolve(properties);
	}

	@Bean(destroyMethod = "close")
	DockerContainerRuntime containerRuntime(NodeAgentProperties properties) {
		DockerContainerRuntime runtime = new DockerContainerRuntime(properties.dockerHost());
		try {
			runtime.ensureNetwork(properties.podNetwork());
		}
		catch (RuntimeException ex) {
			// The node registers NotReady and the sync retries; do not refuse to start.
			org.slf4j.LoggerFactory.getLogger(NodeAgentConfiguration.class)
				.warn("pod network not ready network={} error=\"{}\"", properties.podNetwork(), ex.getMessage());
		}
		return runtime;
	}

	@Bean
	NodeAgent nodeAgent(KubernetesClient client, DockerContainerRuntime runtime, NodeAgentProperties properties,
			NodeIdentity identity) {
		return new NodeAgent(client, runtime, properties, identity, Clock.systemUTC());
	}

}
