package io.stevedore.nodeagent.config;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.NodeAgent;
import io.stevedore.nodeagent.pod.ContainerLogs;
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
		return new DockerContainerRuntime(properties.dockerHost(), properties.clusterName());
	}

	@Bean
	ContainerLogs containerLogs(NodeAgent agent, DockerContainerRuntime runtime, NodeIdentity identity) {
		return new ContainerLogs(agent::pod, runtime, identity.name());
	}

	@Bean
	NodeAgent nodeAgent(KubernetesClient client, DockerContainerRuntime runtime, NodeAgentProperties properties,
			NodeIdentity identity) {
		return new NodeAgent(client, runtime, properties, identity, Clock.systemUTC());
	}

}
