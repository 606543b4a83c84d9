package io.stevedore.nodeagent.gc;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many exited containers stay (the kubelet's container GC flags): the current
 * instance of each container always stays; of its older instances at most
 * {@code maximumDeadPerContainer} (what {@code --previous} logs and lastState read), and
 * at most {@code maximumDead} on the node in all; none goes before it is
 * {@code minimumAge} old. A negative maximum is no limit.
 *
 * @param maximumDeadPerContainer old instances kept per container (kubelet
 * --maximum-dead-containers-per-container, default 1)
 * @param maximumDead old instances kept on the node (--maximum-dead-containers, default
 * no limit)
 * @param minimumAge how old an instance must be to go (--minimum-container-ttl-duration)
 * @param period how often the containers are looked at (the kubelet's one minute)
 */
public record ContainerGcPolicy(@DefaultValue("1") int maximumDeadPerContainer, @DefaultValue("-1") int maximumDead,
		@DefaultValue("0s") Duration minimumAge, @DefaultValue("1m") Duration period) {

	public ContainerGcPolicy {
		if (minimumAge == null || minimumAge.isNegative()) {
			throw new IllegalArgumentException(
					"stevedore.node.container-gc.minimum-age must not be negative, got " + minimumAge);
		}
		if (period == null || period.isNegative() || period.isZero()) {
			throw new IllegalArgumentException(
					"stevedore.node.container-gc.period must be a positive duration, got " + period);
		}
	}

	public static ContainerGcPolicy defaults() {
		return new ContainerGcPolicy(1, -1, Duration.ZERO, Duration.ofMinutes(1));
	}

}
