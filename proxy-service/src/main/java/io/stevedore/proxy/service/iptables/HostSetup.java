package io.stevedore.proxy.service.iptables;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Service data plane sets on the host besides its own rules or listeners: the
 * kernel switches kube-proxy sets and the blackhole route of the service CIDR (nothing to
 * a ClusterIP ever leaves the machine).
 */
public final class HostSetup {

	private static final Logger log = LoggerFactory.getLogger(HostSetup.class);

	private HostSetup() {
	}

	/**
	 * As kube-proxy: NodePorts on 127.0.0.1 need route_localnet; bridged replies of
	 * pod-to-ClusterIP-to-pod traffic on one bridge must see conntrack.
	 */
	public static void kernelSwitches(HostCommands host) {
		sysctl(host, "/proc/sys/net/ipv4/conf/all/route_localnet", "1");
		sysctl(host, "/proc/sys/net/ipv4/ip_forward", "1");
		sysctl(host, "/proc/sys/net/bridge/bridge-nf-call-iptables", "1");
	}

	public static void blackholeRoute(HostCommands host, String serviceCidr) {
		HostCommands.Result route = host.run(List.of("ip", "route", "replace", "blackhole", serviceCidr));
		if (!route.ok()) {
			log.warn("cannot add the blackhole route for {}: {}", serviceCidr, route.output());
		}
	}

	private static void sysctl(HostCommands host, String path, String value) {
		if (!host.writeSysctl(path, value)) {
			log.warn("cannot set {} to {}: NodePorts on 127.0.0.1 or pod-to-pod Service traffic may not work", path,
					value);
		}
	}

}
