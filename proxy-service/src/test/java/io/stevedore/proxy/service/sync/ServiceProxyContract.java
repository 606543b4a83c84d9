package io.stevedore.proxy.service.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.proxy.service.support.Objects;
import io.stevedore.proxy.service.support.ProxyTestCluster;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.stevedore.proxy.service.support.Objects.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a Service data plane must do on a real host, checked with real connections from
 * the host and from a container: every ready endpoint answers, an endpoint marked not
 * ready gets no new connection once the proxy's Lease shows that revision, a Service
 * without endpoints refuses at once, NodePort on 127.0.0.1 and UDP work, a port collision
 * becomes an Event while the rest works, LoadBalancer status is filled. Subclasses run it
 * against each plane.
 */
abstract class ServiceProxyContract {

	static final String NODE = "proxy-it-node";

	static ProxyTestCluster cluster;

	static KubernetesClient client;

	static String pod1;

	static String pod2;

	static String pod3;

	/** A second Docker network's /24, for a client on another bridge. */
	static String otherSubnet;

	static void startAll(Path dir, String mode, String prefix, String cidr, String network, String subnet) {
		otherSubnet = subnet.substring(0, subnet.lastIndexOf('.') + 1)
				+ (Integer.parseInt(subnet.substring(subnet.lastIndexOf('.') + 1)) + 20);
		cluster = ProxyTestCluster.start(dir, cidr, network, subnet);
		client = cluster.client();
		pod1 = cluster.startWebPod(network + "-p1", 11);
		pod2 = cluster.startWebPod(network + "-p2", 12);
		pod3 = cluster.startWebPod(network + "-p3", 13);
		cluster.startProxy("--stevedore.proxy.mode=" + mode, "--stevedore.proxy.chain-prefix=" + prefix,
				"--stevedore.proxy.service-cidr=" + cidr, "--stevedore.proxy.node-name=" + NODE,
				// The periodic sync is when a kernel plane repairs what Docker rewrote in
				// FORWARD: 30 s by default (kube-proxy's too), which made the
				// Docker-network
				// test wait ~35 s for it.
				"--stevedore.proxy.sync-period=3s");
	}

	@AfterAll
	static void stopAll() {
		if (client != null) {
			client.close();
			client = null;
		}
		if (cluster != null) {
			cluster.close();
			cluster = null;
		}
	}

	@Test
	void everyReadyEndpointAnswersFromTheHostFromAPodAndThroughTheNodePortOn127001() throws Exception {
		Service svc = createService(Objects.serviceBuilder("default", "web", null, port("http", "TCP", 80, "http"))
			.editSpec()
			.withType("NodePort")
			.endSpec()
			.build());
		writeSlice("web", "web-1", "http", "TCP", 8080, List.of(endpoint(pod1, true, false, NODE),
				endpoint(pod2, true, false, "other"), endpoint(pod3, true, false, NODE)));
		String vip = svc.getSpec().getClusterIP();
		int nodePort = svc.getSpec().getPorts().get(0).getNodePort();

		Set<String> names = Set.of(name(pod1), name(pod2), name(pod3));
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(answers(vip, 80, 40)).isEqualTo(names));
		assertThat(answers("127.0.0.1", nodePort, 40)).isEqualTo(names);
		String fromPod = cluster.wgetFromPod("http://" + vip + "/");
		assertThat(fromPod).isIn(names);
	}

	@Test
	void aContainerOnAnotherDockerNetworkReachesAClusterIpPastDockersForwardDropAndIsolation() throws Exception {
		String other = network + "-other";
		Docker.tryRun("network", "rm", other);
		// Creating a network puts Docker's isolation rules back on top of FORWARD, where
		// they drop traffic between its bridges: the kernel planes' periodic check (every
		// sync, at most every 10 s) moves their accept ahead of them again.
		Docker.run("network", "create", "--subnet", otherSubnet + ".0/24", other);
		try {
			Service svc = createService(
					Objects.serviceBuilder("default", "across", null, port("", "TCP", 80, 8080)).build());
			writeSlice("across", "across-1", "", "TCP", 8080, List.of(endpoint(pod1, true, false, NODE)));
			String vip = svc.getSpec().getClusterIP();
			await().ignoreExceptions()
				.atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(answers(vip, 80, 1)).containsExactly(name(pod1)));
			await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
				Docker.Result fetched = Docker.tryRun("run", "--rm", "--network", other, TestImages.BUSYBOX, "timeout",
						"3", "wget", "-qO-", "http://" + vip + "/");
				assertThat(fetched.exitCode()).as(fetched.output()).isZero();
				assertThat(fetched.output().strip()).isEqualTo(name(pod1));
			});
		}
		finally {
			Docker.tryRun("network", "rm", other);
		}
	}

	@Test
	void anEndpointMarkedNotReadyGetsNoNewConnectionOnceTheLeaseShowsItsRevision() throws Exception {
		Service svc = createService(
				Objects.serviceBuilder("default", "ready", null, port("", "TCP", 80, 8080)).build());
		String vip = svc.getSpec().getClusterIP();
		writeSlice("ready", "ready-1", "", "TCP", 8080, List.of(endpoint(pod1, true, false, NODE),
				endpoint(pod2, true, false, NODE), endpoint(pod3, true, false, NODE)));
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(answers(vip, 80, 40)).contains(name(pod3)));

		long revision = writeSlice("ready", "ready-1", "", "TCP", 8080, List.of(endpoint(pod1, true, false, NODE),
				endpoint(pod2, true, false, NODE), endpoint(pod3, false, true, NODE)));
		await().ignoreExceptions().atMost(Duration.ofSeconds(10)).until(() -> leaseRevision() >= revision);

		assertThat(answers(vip, 80, 40)).containsExactlyInAnyOrder(name(pod1), name(pod2));
		Lease lease = client.leases()
			.inNamespace(AppliedRevisionLease.NAMESPACE)
			.withName("stevedore-proxy-" + NODE)
			.get();
		assertThat(lease.getSpec().getHolderIdentity()).startsWith(NODE);
		assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(10);
	}

	@Test
	void aServiceWithoutEndpointsRefusesConnectionsAtOnce() throws Exception {
		Service svc = createService(
				Objects.serviceBuilder("default", "empty", null, port("", "TCP", 80, 8080)).build());
		String vip = svc.getSpec().getClusterIP();
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThatThrownBy(() -> get(vip, 80)).isInstanceOf(ConnectException.class));
		long start = System.nanoTime();
		assertThatThrownBy(() -> get(vip, 80)).isInstanceOf(ConnectException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		String fromPod = cluster.wgetFromPod("http://" + vip + "/");
		assertThat(fromPod).isNull();
	}

	@Test
	void udpDatagramsReachEveryEndpointAndRepliesComeBack() throws Exception {
		try (UdpEcho one = new UdpEcho(cluster.gateway(), "udp-one");
				UdpEcho two = new UdpEcho(cluster.gateway(), "udp-two")) {
			Service svc = createService(
					Objects.serviceBuilder("default", "udp", null, port("dns", "UDP", 53, "dns")).build());
			// Two slices, two target ports for one named port.
			writeSlice("udp", "udp-1", "dns", "UDP", one.port(),
					List.of(endpoint(cluster.gateway(), true, false, NODE)));
			writeSlice("udp", "udp-2", "dns", "UDP", two.port(),
					List.of(endpoint(cluster.gateway(), true, false, NODE)));
			String vip = svc.getSpec().getClusterIP();
			await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				Set<String> replies = new HashSet<>();
				for (int i = 0; i < 30; i++) {
					replies.add(udp(vip, 53));
				}
				assertThat(replies).containsExactlyInAnyOrder("udp-one", "udp-two");
			});
		}
	}

	@Test
	void aPortCollisionIsReportedAsAnEventAndEverythingElseWorks() throws Exception {
		createService(Objects.serviceBuilder("default", "first", null, port("", "TCP", 8081, 8080))
			.editSpec()
			.withExternalIPs("127.0.0.3")
			.endSpec()
			.build());
		Service second = createService(Objects.serviceBuilder("default", "second", null, port("", "TCP", 8081, 8080))
			.editSpec()
			.withExternalIPs("127.0.0.3")
			.endSpec()
			.build());
		writeSlice("first", "first-1", "", "TCP", 8080, List.of(endpoint(pod1, true, false, NODE)));
		writeSlice("second", "second-1", "", "TCP", 8080, List.of(endpoint(pod2, true, false, NODE)));

		await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			var events = client.v1().events().inNamespace("default").list().getItems();
			assertThat(events).anySatisfy(e -> {
				assertThat(e.getInvolvedObject().getName()).isEqualTo("second");
				assertThat(e.getReason()).isEqualTo(ServiceEvents.REASON);
				assertThat(e.getMessage()).contains("port collision");
			});
		});
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(answers("127.0.0.3", 8081, 10)).containsExactly(name(pod1)));
		assertThat(answers(second.getSpec().getClusterIP(), 8081, 10)).containsExactly(name(pod2));
	}

	@Test
	void aLoadBalancerServiceGetsTheNodesAddressesInItsStatus() throws Exception {
		var node = client.nodes()
			.resource(new NodeBuilder().withNewMetadata().withName("lb-node").endMetadata().build())
			.create();
		node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().addNewAddress()
			.withType("InternalIP")
			.withAddress("192.0.2.77")
			.endAddress()
			.build());
		client.nodes().resource(node).updateStatus();
		createService(Objects.serviceBuilder("default", "balanced", null, port("", "TCP", 80, 8080))
			.editSpec()
			.withType("LoadBalancer")
			.endSpec()
			.build());

		await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Service svc = client.services().inNamespace("default").withName("balanced").get();
			assertThat(svc.getStatus().getLoadBalancer().getIngress()).extracting(i -> i.getIp())
				.containsExactly("192.0.2.77");
		});
	}

	static io.fabric8.kubernetes.api.model.ServicePort port(String name, String protocol, int port, Object target) {
		var p = Objects.port(name, protocol, port, null);
		p.setTargetPort((target instanceof Integer i) ? new IntOrString(i) : new IntOrString((String) target));
		return p;
	}

	static Service createService(Service service) {
		service.getSpec().setClusterIP(null);
		return client.services().inNamespace("default").resource(service).create();
	}

	/** Creates or replaces a slice; returns its new resourceVersion. */
	static long writeSlice(String service, String name, String portName, String protocol, int port,
			List<Endpoint> endpoints) {
		EndpointSlice slice = Objects.slice("default", name, service, portName, protocol, port, endpoints);
		var resource = client.discovery().v1().endpointSlices().inNamespace("default").resource(slice);
		EndpointSlice written = (client.discovery()
			.v1()
			.endpointSlices()
			.inNamespace("default")
			.withName(name)
			.get() == null) ? resource.create() : resource.update();
		return Long.parseLong(written.getMetadata().getResourceVersion());
	}

	static long leaseRevision() {
		Lease lease = client.leases()
			.inNamespace(AppliedRevisionLease.NAMESPACE)
			.withName("stevedore-proxy-" + NODE)
			.get();
		if (lease == null || lease.getMetadata().getAnnotations() == null) {
			return -1;
		}
		return Long.parseLong(lease.getMetadata().getAnnotations().getOrDefault(AppliedRevisionLease.ANNOTATION, "-1"));
	}

	/** The name a web pod answers with. */
	static String name(String podIp) {
		String last = podIp.substring(podIp.lastIndexOf('.') + 1);
		return switch (last) {
			case "11" -> networkName() + "-p1";
			case "12" -> networkName() + "-p2";
			case "13" -> networkName() + "-p3";
			default -> podIp;
		};
	}

	static String network;

	static String networkName() {
		return network;
	}

	/** The distinct bodies of {@code count} fresh connections. */
	static Set<String> answers(String host, int port, int count) throws IOException {
		Set<String> bodies = new HashSet<>();
		for (int i = 0; i < count; i++) {
			bodies.add(get(host, port));
		}
		return bodies;
	}

	/** One HTTP/1.0 GET on a new connection; the body, stripped. */
	static String get(String host, int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 3000);
			socket.setSoTimeout(3000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			int body = response.indexOf("\r\n\r\n");
			return (body < 0) ? response : response.substring(body + 4).strip();
		}
	}

	static String udp(String host, int port) throws IOException {
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.setSoTimeout(1000);
			byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
			socket.send(new DatagramPacket(ping, ping.length, InetAddress.getByName(host), port));
			DatagramPacket reply = new DatagramPacket(new byte[512], 512);
			try {
				socket.receive(reply);
			}
			catch (SocketTimeoutException ex) {
				return "timeout";
			}
			return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII);
		}
	}

	/**
	 * A UDP server on the host side of the pods' bridge answering every datagram with a
	 * name.
	 */
	static final class UdpEcho implements AutoCloseable {

		private final DatagramSocket socket;

		private final Thread thread;

		UdpEcho(String address, String name) throws IOException {
			this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
			byte[] answer = name.getBytes(StandardCharsets.US_ASCII);
			this.thread = Thread.ofVirtual().start(() -> {
				DatagramPacket packet = new DatagramPacket(new byte[512], 512);
				while (!this.socket.isClosed()) {
					try {
						this.socket.receive(packet);
						this.socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
					}
					catch (IOException ex) {
						return;
					}
				}
			});
		}

		int port() {
			return this.socket.getLocalPort();
		}

		@Override
		public void close() {
			this.socket.close();
			this.thread.interrupt();
		}

	}

}
