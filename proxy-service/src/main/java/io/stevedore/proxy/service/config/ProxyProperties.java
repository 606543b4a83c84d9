package io.stevedore.proxy.service.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Service proxy's settings ({@code stevedore.proxy.*}).
 *
 * @param enabled run the Service proxy at all (tests of other parts turn it off)
 * @param nodeName this node's name; defaults to the host name
 * @param nodeAddresses where NodePorts answer; empty means the Node's addresses plus
 * 127.0.0.1
 * @param mode {@code iptables} (kernel rules, the default), {@code nftables} (kernel
 * rules in one nftables table) or {@code userspace}
 * @param serviceCidr the Services' ClusterIP range, as the apiserver's
 * {@code stevedore.apiserver.service-cidr}; blackholed on the node
 * @param chainPrefix prefix of every chain, {@code lo} address label and Lease of this
 * proxy, so two proxies on one host (tests) do not clash
 * @param masqueradeBit the fwmark bit meaning "masquerade this" (kube-proxy's 14)
 * @param syncMinInterval least time between two syncs: bursts of changes become one sync
 * @param syncPeriod a full resync even without changes (repairs what someone removed)
 * @param cleanupOnShutdown remove the rules, addresses and route when the proxy stops
 * @param loadBalancerStatus fill LoadBalancer Services' status with the nodes' addresses
 * @param leaseRenewInterval how often the applied-revision Lease is renewed
 * @param leaseDuration the Lease's leaseDurationSeconds
 */
@ConfigurationProperties("stevedore.proxy")
public record ProxyProperties(@DefaultValue("true") boolean enabled, String nodeName,
		@DefaultValue List<String> nodeAddresses, @DefaultValue("iptables") String mode,
		@DefaultValue("10.96.0.0/12") String serviceCidr, @DefaultValue("STEVEDORE") String chainPrefix,
		@DefaultValue("14") int masqueradeBit, @DefaultValue("100ms") Duration syncMinInterval,
		@DefaultValue("30s") Duration syncPeriod, @DefaultValue("true") boolean cleanupOnShutdown,
		@DefaultValue("true") boolean loadBalancerStatus, @DefaultValue("3s") Duration leaseRenewInterval,
		@DefaultValue("10s") Duration leaseDuration) {

	/** The mode, checked: {@code iptables}, {@code nftables} or {@code userspace}. */
	public String checkedMode() {
		return switch (this.mode) {
			case "iptables", "nftables", "userspace" -> this.mode;
			default -> throw new IllegalArgumentException(
					"stevedore.proxy.mode must be iptables, nftables or userspace, got \"" + this.mode + "\"");
		};
	}

	/** The node name, or the host's name when not set. */
	public String resolvedNodeName() {
		if (this.nodeName != null && !this.nodeName.isBlank()) {
			return this.nodeName;
		}
		try {
			return java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
		}
		catch (java.net.UnknownHostException ex) {
			return "localhost";
		}
	}

}
