package io.stevedore.proxy.dns;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The cluster DNS server ({@code stevedore.proxy.dns.*}). Off by default: it binds port
 * 53 and changes {@code lo}, which needs root, so a proxy (or a test) that does not ask
 * for it must not get it. Pods are pointed at {@code address} with search paths under
 * {@code clusterDomain}; the node agent must be given the same two values.
 *
 * @param enabled whether this proxy serves cluster DNS
 * @param address the address pods send queries to (the kube-dns ClusterIP)
 * @param port the port, 53 except in tests
 * @param clusterDomain the cluster's DNS domain
 * @param ttl TTL of every answer and of negative answers (CoreDNS' default: 5 s)
 * @param manageAddress add {@code address} as a /32 to {@code lo} at start (and remove it
 * at stop if this server added it), so pods on the Docker bridge reach it through the
 * host, and exempt DNS to and from it from connection tracking ({@link NotrackRules})
 * @param upstreams where names outside the cluster domain go ({@code ip} or
 * {@code ip:port}, {@code [v6]:port}); empty means the nameservers of {@code resolvConf}
 * @param resolvConf the node's resolver configuration
 * @param upstreamTimeout how long one upstream may take before the next is tried
 * @param pods {@code insecure} answers {@code a-b-c-d.<ns>.pod.<domain>} for any address
 * (kubeadm's CoreDNS setting), {@code disabled} answers NXDOMAIN
 * @param registerService create {@code kube-system/kube-dns} at start, which reserves the
 * ClusterIP in the apiserver's Service range
 * @param serviceIp the kube-dns ClusterIP; defaults to {@code address}
 * @param syncTimeout how long start waits for the first list of Services and
 * EndpointSlices before serving anyway (unsynced cluster names get SERVFAIL, not a cached
 * NXDOMAIN)
 * @param maxTcpConnections open TCP connections served at once; more are closed at once
 * @param tcpIdleTimeout an idle TCP connection is closed after this long
 */
@ConfigurationProperties("stevedore.proxy.dns")
public record DnsProperties(@DefaultValue("false") boolean enabled, @DefaultValue("10.96.0.10") String address,
		@DefaultValue("53") int port, @DefaultValue("cluster.local") String clusterDomain,
		@DefaultValue("5s") Duration ttl, @DefaultValue("true") boolean manageAddress,
		@DefaultValue List<String> upstreams, @DefaultValue("/etc/resolv.conf") Path resolvConf,
		@DefaultValue("2s") Duration upstreamTimeout, @DefaultValue("insecure") PodMode pods,
		@DefaultValue("true") boolean registerService, String serviceIp, @DefaultValue("10s") Duration syncTimeout,
		@DefaultValue("256") int maxTcpConnections, @DefaultValue("10s") Duration tcpIdleTimeout) {

	public enum PodMode {

		INSECURE, DISABLED

	}

	public DnsProperties {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("stevedore.proxy.dns.port must be 1-65535, got " + port);
		}
		if (ttl.isNegative() || ttl.toSeconds() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("stevedore.proxy.dns.ttl must be a positive duration, got " + ttl);
		}
		if (maxTcpConnections < 1) {
			throw new IllegalArgumentException(
					"stevedore.proxy.dns.max-tcp-connections must be at least 1, got " + maxTcpConnections);
		}
		if (serviceIp == null || serviceIp.isBlank()) {
			serviceIp = address;
		}
	}

	/** Defaults for {@code address:port}: what tests and tools start from. */
	public static DnsProperties of(String address, int port) {
		return new DnsProperties(true, address, port, "cluster.local", Duration.ofSeconds(5), false, List.of(),
				Path.of("/etc/resolv.conf"), Duration.ofSeconds(2), PodMode.INSECURE, false, null,
				Duration.ofSeconds(10), 256, Duration.ofSeconds(10));
	}

	public DnsProperties withUpstreams(List<String> upstreams) {
		return new DnsProperties(this.enabled, this.address, this.port, this.clusterDomain, this.ttl,
				this.manageAddress, upstreams, this.resolvConf, this.upstreamTimeout, this.pods, this.registerService,
				this.serviceIp, this.syncTimeout, this.maxTcpConnections, this.tcpIdleTimeout);
	}

	public long ttlSeconds() {
		return this.ttl.toSeconds();
	}

}
