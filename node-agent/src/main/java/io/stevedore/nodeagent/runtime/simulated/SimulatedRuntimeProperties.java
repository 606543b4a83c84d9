package io.stevedore.nodeagent.runtime.simulated;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The simulated node ({@code stevedore.node.runtime=simulated}): what it reports as its
 * capacity, where its pods' addresses come from, and how long a container takes to start.
 *
 * @param cpus logical CPUs the node reports
 * @param memory memory the node reports
 * @param podCidr the IPv4 block pod addresses are taken from; empty picks a /16 of
 * 100.64.0.0/10 (shared address space, never routed here) from the node name, so several
 * simulated nodes on one machine rarely share one — give each its own block to be sure
 * @param startDelay how long {@code start} takes, to model an engine's latency
 */
@ConfigurationProperties("stevedore.node.simulated")
public record SimulatedRuntimeProperties(@DefaultValue("8") int cpus, @DefaultValue("32GB") DataSize memory,
		@DefaultValue("") String podCidr, @DefaultValue("0s") Duration startDelay) {

	public SimulatedRuntimeProperties {
		if (cpus < 1) {
			throw new IllegalArgumentException("stevedore.node.simulated.cpus must be at least 1, got " + cpus);
		}
		if (memory.toBytes() < 1) {
			throw new IllegalArgumentException("stevedore.node.simulated.memory must be positive, got " + memory);
		}
		if (startDelay.isNegative()) {
			throw new IllegalArgumentException(
					"stevedore.node.simulated.start-delay must not be negative, got " + startDelay);
		}
		if (!podCidr.isEmpty()) {
			PodAddresses.parse(podCidr);
		}
	}

	/** The same node with another pod block: one per node of a hollow host. */
	public SimulatedRuntimeProperties withPodCidr(String cidr) {
		return new SimulatedRuntimeProperties(this.cpus, this.memory, cidr, this.startDelay);
	}

}
