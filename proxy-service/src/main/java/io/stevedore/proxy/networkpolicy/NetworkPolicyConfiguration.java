package io.stevedore.proxy.networkpolicy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.proxy.service.config.ProxyProperties;
import io.stevedore.proxy.service.iptables.HostCommands;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the NetworkPolicy enforcer. Off with the Service proxy
 * ({@code stevedore.proxy.enabled=false}, as tests of DNS and Ingress run) or alone
 * ({@code stevedore.proxy.network-policy.enabled=false}). Bad settings fail the start
 * with the setting's name.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ NetworkPolicyProperties.class, ProxyProperties.class })
@ConditionalOnExpression("${stevedore.proxy.enabled:true} and ${stevedore.proxy.network-policy.enabled:true}")
public class NetworkPolicyConfiguration {

	@Bean(destroyMethod = "close")
	NetworkPolicyController networkPolicyController(KubernetesClient client, NetworkPolicyProperties properties,
			ProxyProperties proxy) {
		PolicyRenderer renderer = new PolicyRenderer(properties.chainPrefix(), properties.markBit());
		if (properties.markBit() == proxy.masqueradeBit()) {
			throw new IllegalArgumentException("stevedore.proxy.network-policy.mark-bit must differ from"
					+ " stevedore.proxy.masquerade-bit, both are " + properties.markBit());
		}
		PolicyEnforcer enforcer = new PolicyEnforcer(new HostCommands.Real(), renderer, properties.cleanupOnShutdown());
		NetworkPolicyController controller = new NetworkPolicyController(client, renderer, enforcer,
				proxy.resolvedNodeName(), properties.syncMinInterval(), properties.syncPeriod());
		controller.start();
		return controller;
	}

}
