package io.stevedore.nodeagent.stats;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stevedore.node.stats.*}.
 *
 * @param period how often the node and its containers are sampled; rates are over one
 * period (the kubelet's cAdvisor housekeeping is about 10 s too)
 */
@ConfigurationProperties("stevedore.node.stats")
public record StatsProperties(@DefaultValue("10s") Duration period) {

	public StatsProperties {
		if (period == null || period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException("stevedore.node.stats.period must be positive, got " + period);
		}
	}

}
