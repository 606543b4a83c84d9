package io.stevedore.proxy.networkpolicy;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The NetworkPolicy enforcer's settings ({@code stevedore.proxy.network-policy.*}); it
 * runs only when the Service proxy does ({@code stevedore.proxy.enabled}).
 *
 * @param enabled enforce NetworkPolicies on this machine
 * @param chainPrefix prefix of its filter chains; two enforcers on one host (tests) need
 * two
 * @param markBit the fwmark bit meaning "a policy allows this", used only inside its
 * chains and cleared on the way out (kube-proxy uses 14 and 15)
 * @param syncMinInterval least time between two syncs
 * @param syncPeriod a full re-render even without changes
 * @param cleanupOnShutdown remove the chains when the proxy stops
 */
@ConfigurationProperties("stevedore.proxy.network-policy")
public record NetworkPolicyProperties(@DefaultValue("true") boolean enabled, @DefaultValue("STVDNP") String chainPrefix,
		@DefaultValue("17") int markBit, @DefaultValue("100ms") Duration syncMinInterval,
		@DefaultValue("30s") Duration syncPeriod, @DefaultValue("true") boolean cleanupOnShutdown) {
}
