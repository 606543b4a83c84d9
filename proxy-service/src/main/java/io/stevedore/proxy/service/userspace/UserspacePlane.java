package io.stevedore.proxy.service.userspace;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.stevedore.proxy.service.iptables.HostCommands;
import io.stevedore.proxy.service.iptables.HostSetup;
import io.stevedore.proxy.service.iptables.LoopbackAddresses;
import io.stevedore.proxy.service.model.DataPlane;
import io.stevedore.proxy.service.model.Endpoint;
import io.stevedore.proxy.service.model.Protocol;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.ServicePort;
import io.stevedore.proxy.service.model.ServicePortName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user-space data plane, for hosts where kernel rules cannot be used: each ClusterIP
 * is a /32 on {@code lo} (so the node and its pods reach it, and it outranks the service
 * CIDR's blackhole route), and Netty listens on ClusterIP:port, on the NodePorts of the
 * node's addresses and on externalIPs, relaying TCP and UDP to ready endpoints. A port
 * without ready endpoints has no listener: the kernel refuses connections at once.
 * Listeners of deleted Services close; connections already relayed go on until either
 * side ends them, which is how a terminating endpoint finishes its work.
 */
public final class UserspacePlane implements DataPlane {

	private static final Logger log = LoggerFactory.getLogger(UserspacePlane.class);

	private final HostCommands host;

	private final String serviceCidr;

	private final boolean cleanupOnClose;

	private final LoopbackAddresses loopback;

	private final Map<String, Balancer> balancers = new HashMap<>();

	private final Map<Listener, Channel> listening = new HashMap<>();

	private final int threads;

	private Transport transport;

	public UserspacePlane(HostCommands host, String prefix, String serviceCidr, boolean cleanupOnClose) {
		this(host, prefix, serviceCidr, cleanupOnClose, Math.max(2, Runtime.getRuntime().availableProcessors()));
	}

	/**
	 * With {@code threads} event loops; both connections of a relayed pair share one, so
	 * more loops only help with more connections than one core can relay.
	 */
	public UserspacePlane(HostCommands host, String prefix, String serviceCidr, boolean cleanupOnClose, int threads) {
		this.threads = threads;
		this.host = host;
		this.serviceCidr = serviceCidr;
		this.cleanupOnClose = cleanupOnClose;
		this.loopback = new LoopbackAddresses(host, prefix);
	}

	@Override
	public void start() {
		this.transport = Transport.create(this.threads);
		this.loopback.adopt();
		HostSetup.blackholeRoute(this.host, this.serviceCidr);
	}

	@Override
	public ApplyResult apply(ProxyState state) {
		Map<String, String> failures = new LinkedHashMap<>();
		Map<Listener, Balancer> wanted = new LinkedHashMap<>();
		Set<String> balancerKeys = new TreeSet<>();
		for (ServicePort port : state.ports()) {
			List<Endpoint> ready = port.readyEndpoints();
			if (ready.isEmpty()) {
				continue;
			}
			Balancer cluster = balancer(port.name().toString() + "/" + port.protocol(), ready, port.affinitySeconds(),
					balancerKeys);
			claim(wanted, new Listener(port.protocol(), port.clusterIp(), port.port()), cluster, port, failures);
			if (!port.hasExternalEntry()) {
				continue;
			}
			Balancer external = cluster;
			if (port.externalLocal()) {
				// Local: only this node's endpoints; none here means external clients get
				// nothing.
				List<Endpoint> local = port.readyLocalEndpoints(state.nodeName());
				if (local.isEmpty()) {
					continue;
				}
				external = balancer(port.name() + "/" + port.protocol() + "/local", local, port.affinitySeconds(),
						balancerKeys);
			}
			for (String ip : port.externalIps()) {
				claim(wanted, new Listener(port.protocol(), ip, port.port()), external, port, failures);
			}
			if (port.nodePort() > 0) {
				for (String address : state.nodeAddresses()) {
					claim(wanted, new Listener(port.protocol(), address, port.nodePort()), external, port, failures);
				}
			}
		}
		this.balancers.keySet().retainAll(balancerKeys);

		// Close what is not wanted first: a port may move from one Service to another.
		this.listening.entrySet().removeIf(entry -> {
			if (!wanted.containsKey(entry.getKey())
					|| entry.getValue().attr(BALANCER).get() != wanted.get(entry.getKey())) {
				entry.getValue().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
				return true;
			}
			return false;
		});
		String addressProblem = this.loopback
			.sync(state.ports().stream().map(ServicePort::clusterIp).collect(Collectors.toCollection(TreeSet::new)));
		if (addressProblem != null) {
			log.warn("some ClusterIPs could not be added to lo: {}", addressProblem);
		}
		for (Map.Entry<Listener, Balancer> entry : wanted.entrySet()) {
			Listener listener = entry.getKey();
			if (this.listening.containsKey(listener)) {
				continue;
			}
			InetSocketAddress address = new InetSocketAddress(listener.ip(), listener.port());
			ChannelFuture bind = (listener.protocol() == Protocol.TCP)
					? TcpRelay.listen(this.transport, address, entry.getValue())
					: UdpRelay.listen(this.transport, address, entry.getValue());
			if (!bind.awaitUninterruptibly(5, TimeUnit.SECONDS) || !bind.isSuccess()) {
				String owner = ownerOf(state, listener, entry.getValue());
				String why = (bind.cause() == null) ? "timed out" : bind.cause().getMessage();
				failures.merge(owner, "cannot listen on " + listener + ": " + why, (a, b) -> a + "; " + b);
				bind.channel().close();
				continue;
			}
			bind.channel().attr(BALANCER).set(entry.getValue());
			this.listening.put(listener, bind.channel());
		}
		return new ApplyResult(true, failures, this.listening.size(), null);
	}

	private static final io.netty.util.AttributeKey<Balancer> BALANCER = io.netty.util.AttributeKey
		.valueOf("stevedore.balancer");

	private Balancer balancer(String key, List<Endpoint> endpoints, int affinitySeconds, Set<String> keys) {
		keys.add(key);
		Balancer balancer = this.balancers.get(key);
		if (balancer == null) {
			balancer = new Balancer(endpoints, affinitySeconds);
			this.balancers.put(key, balancer);
		}
		else {
			balancer.update(endpoints, affinitySeconds);
		}
		return balancer;
	}

	private Map<Balancer, ServicePortName> owners = new HashMap<>();

	/** Two Services wanting one address and port: the first (by name) keeps it. */
	private void claim(Map<Listener, Balancer> wanted, Listener listener, Balancer balancer, ServicePort port,
			Map<String, String> failures) {
		Balancer existing = wanted.putIfAbsent(listener, balancer);
		this.owners.put(balancer, port.name());
		if (existing != null && existing != balancer) {
			failures.merge(port.name().serviceKey(),
					"port collision: " + listener + " is already used by " + this.owners.get(existing),
					(a, b) -> a + "; " + b);
		}
	}

	private String ownerOf(ProxyState state, Listener listener, Balancer balancer) {
		ServicePortName name = this.owners.get(balancer);
		return (name == null) ? listener.toString() : name.serviceKey();
	}

	@Override
	public void close() {
		this.listening.values().forEach(channel -> channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
		this.listening.clear();
		if (this.transport != null) {
			this.transport.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
		}
		if (this.cleanupOnClose) {
			this.loopback.removeAll();
			this.host.run(List.of("ip", "route", "del", "blackhole", this.serviceCidr));
		}
	}

	record Listener(Protocol protocol, String ip, int port) {

		@Override
		public String toString() {
			return this.ip + ":" + this.port + "/" + this.protocol;
		}

	}

}
