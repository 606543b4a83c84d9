package io.stevedore.gateway.admission.defaulttoleration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the DefaultTolerationSeconds plugin, named after kube-apiserver's flags
 * {@code --default-not-ready-toleration-seconds} and
 * {@code --default-unreachable-toleration-seconds}, with their default of 300 s.
 * {@code ./stevedore up}, docker-compose and the Helm chart set 5 s, so a lost machine's
 * pods run elsewhere in under 20 s (the node grace period is 8 s there).
 *
 * <p>
 * A negative value stops the gateway at start, naming the setting: Kubernetes would take
 * it and evict at once, which is surely not what was meant.
 *
 * @param defaultNotReadyTolerationSeconds tolerationSeconds of the
 * {@code node.kubernetes.io/not-ready:NoExecute} toleration added to pods without one
 * @param defaultUnreachableTolerationSeconds the same for
 * {@code node.kubernetes.io/unreachable:NoExecute}
 */
@ConfigurationProperties(DefaultTolerationSecondsProperties.PREFIX)
public record DefaultTolerationSecondsProperties(@DefaultValue("300") long defaultNotReadyTolerationSeconds,
		@DefaultValue("300") long defaultUnreachableTolerationSeconds) {

	static final String PREFIX = "stevedore.gateway.admission";

	public DefaultTolerationSecondsProperties {
		requireNotNegative("default-not-ready-toleration-seconds", defaultNotReadyTolerationSeconds);
		requireNotNegative("default-unreachable-toleration-seconds", defaultUnreachableTolerationSeconds);
	}

	private static void requireNotNegative(String name, long seconds) {
		if (seconds < 0) {
			throw new IllegalArgumentException(PREFIX + "." + name + " must be 0 or more seconds, got " + seconds);
		}
	}

}
