package io.stevedore.proxy.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The cluster DNS of one node: informers, the address on {@code lo} (exempt from
 * connection tracking, see {@link NotrackRules}), the UDP and TCP listeners, and the
 * {@code kube-system/kube-dns} Service, started in that order and stopped in reverse.
 * Serving starts once the informers have listed, or after {@code syncTimeout} anyway
 * (cluster names then get SERVFAIL until they have).
 */
public final class ClusterDns implements SmartLifecycle, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ClusterDns.class);

	private final DnsProperties properties;

	private final KubernetesClient client;

	private final MeterRegistry registry;

	private InformerClusterRecords records;

	private LoopbackAddress loopback;

	private NotrackRules notrack;

	private DnsServer server;

	private Thread registration;

	private volatile boolean running;

	public ClusterDns(DnsProperties properties, KubernetesClient client, MeterRegistry registry) {
		this.properties = properties;
		this.client = client;
		this.registry = registry;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		InetAddress address = IpLiterals.parse(this.properties.address());
		if (address == null) {
			throw new IllegalArgumentException(
					"stevedore.proxy.dns.address must be an IP address, got \"" + this.properties.address() + "\"");
		}
		if (IpLiterals.parse(this.properties.serviceIp()) == null) {
			throw new IllegalArgumentException("stevedore.proxy.dns.service-ip must be an IP address, got \""
					+ this.properties.serviceIp() + "\"");
		}
		ClusterZone.absolute(this.properties.clusterDomain());
		Forwarder forwarder = new Forwarder(Upstreams.resolve(this.properties), this.properties.upstreamTimeout());
		try {
			this.records = new InformerClusterRecords(this.client);
			if (!this.records.start(this.properties.syncTimeout())) {
				log.warn("Services and EndpointSlices not listed within {}: serving anyway, cluster names get "
						+ "SERVFAIL until they are", this.properties.syncTimeout());
			}
			if (this.properties.manageAddress()) {
				this.loopback = new LoopbackAddress(address, "lo");
				this.loopback.add();
				this.notrack = new NotrackRules(address, this.properties.port());
				this.notrack.apply();
			}
			ClusterZone zone = new ClusterZone(this.properties, this.records);
			this.server = new DnsServer(new QueryHandler(zone, forwarder), new DnsMetrics(this.registry),
					new InetSocketAddress(address, this.properties.port()), this.properties.maxTcpConnections(),
					this.properties.tcpIdleTimeout());
			this.server.start();
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
			throw new IllegalStateException("interrupted while starting cluster DNS", ex);
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
		this.running = true;
		log.info("Cluster DNS for {} on {}:{}, forwarding to {}", this.properties.clusterDomain(),
				this.properties.address(), this.properties.port(), forwarder.upstreams());
		if (this.properties.registerService()) {
			this.registration = Thread.ofVirtual().name("kube-dns-service").start(this::registerService);
		}
	}

	/**
	 * Creates kube-dns, retrying while the apiserver is away; a refusal is logged once.
	 */
	private void registerService() {
		long delay = 500;
		while (this.running) {
			try {
				KubeDnsService.ensure(this.client, this.properties.serviceIp());
				return;
			}
			catch (KubernetesClientException ex) {
				if (ex.getCode() >= 400 && ex.getCode() < 500) {
					log.error("Cannot create Service {}/{} with ClusterIP {}: {}", KubeDnsService.NAMESPACE,
							KubeDnsService.NAME, this.properties.serviceIp(), ex.getMessage());
					return;
				}
				log.debug("kube-dns Service not created yet: {}", ex.getMessage());
			}
			try {
				Thread.sleep(delay);
			}
			catch (InterruptedException ex) {
				return;
			}
			delay = Math.min(delay * 2, 10_000);
		}
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		close();
	}

	@Override
	public synchronized void close() {
		this.running = false;
		if (this.registration != null) {
			this.registration.interrupt();
			this.registration = null;
		}
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
		if (this.notrack != null) {
			this.notrack.close();
			this.notrack = null;
		}
		if (this.loopback != null) {
			this.loopback.close();
			this.loopback = null;
		}
		if (this.records != null) {
			this.records.close();
			this.records = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Where it listens: the configured address and port. */
	public InetSocketAddress address() {
		return new InetSocketAddress(IpLiterals.parse(this.properties.address()), this.properties.port());
	}

}
