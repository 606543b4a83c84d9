package io.stevedore.nodeagent.config;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.NodeAgent;
import io.stevedore.nodeagent.hollow.HollowNodesCondition;
import io.stevedore.nodeagent.hollow.HollowNodesProperties;
import io.stevedore.nodeagent.pod.ContainerLogs;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.GuardedContainerRuntime;
import io.stevedore.nodeagent.runtime.docker.DockerContainerRuntime;
import io.stevedore.nodeagent.runtime.simulated.SimulatedContainerRuntime;
import io.stevedore.nodeagent.runtime.simulated.SimulatedRuntimeProperties;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The agent's beans. {@code stevedore.node.enabled=false} leaves only the web endpoints
 * (the actuator tests run that way, without Docker or an apiserver).
 * {@code stevedore.node.runtime} chooses the engine: {@code docker} (the default) or
 * {@code simulated}, which runs nothing and lets one machine carry many nodes; with
 * {@code stevedore.node.simulated.nodes} above 1 the one-node beans give way to
 * {@code hollow.HollowNodesConfiguration}'s host of that many nodes.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ NodeAgentProperties.class, SimulatedRuntimeProperties.class,
		HollowNodesProperties.class })
@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "stevedore.node.enabled",
		havingValue = "true", matchIfMissing = true)
public class NodeAgentConfiguration {

	@Bean
	NodeIdentity nodeIdentity(NodeAgentProperties properties) {
		return NodeIdentity.resolve(properties);
	}

	@Bean(destroyMethod = "close")
	@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "stevedore.node.runtime",
			havingValue = "docker", matchIfMissing = true)
	GuardedContainerRuntime containerRuntime(NodeAgentProperties properties, HollowNodesProperties hollow) {
		if (hollow.nodes() != 1) {
			throw new IllegalArgumentException("stevedore.node.simulated.nodes=" + hollow.nodes()
					+ " needs stevedore.node.runtime=simulated: a Docker node is one node");
		}
		// Behind a circuit breaker: a stopped engine makes calls fail fast, not pile up;
		// a hung one fails each short call after the call timeout, which the breaker
		// counts the same way.
		return new GuardedContainerRuntime(new DockerContainerRuntime(properties.dockerHost(), properties.clusterName(),
				properties.dockerCallTimeout()));
	}

	@Bean
	@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "stevedore.node.runtime",
			havingValue = "simulated")
	@Conditional(HollowNodesCondition.OnOneNode.class)
	SimulatedContainerRuntime simulatedContainerRuntime(SimulatedRuntimeProperties simulated, NodeIdentity identity) {
		return new SimulatedContainerRuntime(simulated, identity.name(), Clock.systemUTC());
	}

	@Bean
	@Conditional(HollowNodesCondition.OnOneNode.class)
	ContainerLogs containerLogs(NodeAgent agent, ContainerRuntime runtime, NodeIdentity identity) {
		return new ContainerLogs(agent::pod, runtime, identity.name());
	}

	@Bean
	@Conditional(HollowNodesCondition.OnOneNode.class)
	NodeAgent nodeAgent(KubernetesClient client, ContainerRuntime runtime, NodeAgentProperties properties,
			NodeIdentity identity) {
		return new NodeAgent(client, runtime, properties, identity, Clock.systemUTC());
	}

}
