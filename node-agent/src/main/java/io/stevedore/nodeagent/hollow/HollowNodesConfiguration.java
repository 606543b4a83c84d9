package io.stevedore.nodeagent.hollow;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.config.NodeAgentProperties;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.runtime.simulated.SimulatedRuntimeProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * A hollow host in place of the one-node agent when
 * {@code stevedore.node.simulated.nodes} is above 1 on the simulated runtime. The host
 * uses the client it is given: with node credentials (NodeRestriction lets
 * {@code system:node:<name>} change only its own Node) it could not register its nodes,
 * so it needs an identity allowed to write nodes, nodes/status, leases, pods/status and
 * events.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "stevedore.node.enabled", havingValue = "true", matchIfMissing = true)
@Conditional(HollowNodesCondition.OnHollowNodes.class)
public class HollowNodesConfiguration {

	@Bean
	HollowNodeHost hollowNodeHost(KubernetesClient client, NodeAgentProperties properties,
			SimulatedRuntimeProperties simulated, HollowNodesProperties hollow, NodeIdentity identity) {
		return new HollowNodeHost(client, properties, simulated, hollow, identity, Clock.systemUTC());
	}

}
