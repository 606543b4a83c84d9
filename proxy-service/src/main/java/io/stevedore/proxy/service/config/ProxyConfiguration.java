package io.stevedore.proxy.service.config;

import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.iptables.HostCommands;
import io.stevedore.proxy.service.iptables.IptablesRenderer;
import io.stevedore.proxy.service.iptables.KernelPlane;
import io.stevedore.proxy.service.model.DataPlane;
import io.stevedore.proxy.service.nftables.NftablesPlane;
import io.stevedore.proxy.service.nftables.NftablesRenderer;
import io.stevedore.proxy.service.model.Ipv4;
import io.stevedore.proxy.service.sync.AppliedRevisionLease;
import io.stevedore.proxy.service.sync.LoadBalancerStatusWriter;
import io.stevedore.proxy.service.sync.ServiceProxy;
import io.stevedore.proxy.service.userspace.UserspacePlane;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the Service proxy from {@code stevedore.proxy.*}: the data plane of the chosen
 * mode and the loop feeding it. Bad settings fail the start with the setting's name.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProxyProperties.class)
@ConditionalOnProperty(name = "stevedore.proxy.enabled", havingValue = "true", matchIfMissing = true)
public class ProxyConfiguration {

	@Bean(destroyMethod = "close")
	ServiceProxy serviceProxy(KubernetesClient client, ProxyProperties properties, MeterRegistry registry) {
		String cidr = Ipv4.checkCidr("stevedore.proxy.service-cidr", properties.serviceCidr());
		for (String address : properties.nodeAddresses()) {
			if (!Ipv4.isValid(address)) {
				throw new IllegalArgumentException(
						"stevedore.proxy.node-addresses must be IPv4 addresses, got \"" + address + "\"");
			}
		}
		if (properties.masqueradeBit() < 0 || properties.masqueradeBit() > 31) {
			throw new IllegalArgumentException(
					"stevedore.proxy.masquerade-bit must be 0..31, got " + properties.masqueradeBit());
		}
		ChainNames names = new ChainNames(properties.chainPrefix());
		HostCommands host = new HostCommands.Real();
		String mode = properties.checkedMode();
		boolean cleanup = properties.cleanupOnShutdown();
		DataPlane plane = switch (mode) {
			case "userspace" -> new UserspacePlane(host, names.prefix(), cidr, cleanup);
			case "nftables" -> new NftablesPlane(host,
					new NftablesRenderer(NftablesRenderer.tableName(names), cidr, properties.masqueradeBit()),
					names.prefix(), cidr, cleanup);
			default ->
				new KernelPlane(host, new IptablesRenderer(names, cidr, properties.masqueradeBit()), cidr, cleanup);
		};
		String node = properties.resolvedNodeName();
		AppliedRevisionLease lease = new AppliedRevisionLease(client, node, properties.leaseRenewInterval(),
				properties.leaseDuration(), Duration.ofMillis(200));
		ServiceProxy proxy = new ServiceProxy(client, plane, node, properties.nodeAddresses(),
				properties.syncMinInterval(), properties.syncPeriod(), lease,
				properties.loadBalancerStatus() ? new LoadBalancerStatusWriter(client) : null, registry, mode);
		proxy.start();
		return proxy;
	}

}
