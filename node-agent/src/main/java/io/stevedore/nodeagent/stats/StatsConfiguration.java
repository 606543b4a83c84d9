package io.stevedore.nodeagent.stats;

import java.nio.file.Path;
import java.time.Clock;

import io.stevedore.nodeagent.NodeAgent;
import io.stevedore.nodeagent.config.NodeIdentity;
import io.stevedore.nodeagent.hollow.HollowNodesCondition;
import io.stevedore.nodeagent.runtime.ContainerRuntime;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/** The stats sampler behind {@link StatsEndpoint}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StatsProperties.class)
@ConditionalOnProperty(name = "stevedore.node.enabled", havingValue = "true", matchIfMissing = true)
@Conditional(HollowNodesCondition.OnOneNode.class)
public class StatsConfiguration {

	@Bean
	StatsSampler statsSampler(ContainerRuntime runtime, NodeIdentity identity, NodeAgent agent,
			StatsProperties properties) {
		return new StatsSampler(runtime, identity.name(), agent::pod, new HostReadings(Path.of("/proc")),
				Clock.systemUTC(), properties.period());
	}

}
