package io.stevedore.proxy.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static io.stevedore.proxy.dns.InMemoryClusterRecords.clusterIp;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.endpoint;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.externalName;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.headless;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.port;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.slice;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.slicePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster DNS against the real apiserver: objects written through the API become answers,
 * over UDP and TCP, to dnsjava and to {@code dig}; changes show within seconds; the
 * kube-dns Service reserves the address; other names go to the (fake) upstream only.
 */
class ClusterDnsIT {

	@TempDir
	static Path dir;

	private static DnsTestCluster cluster;

	private static FakeUpstream upstream;

	private static KubernetesClient client;

	@BeforeAll
	static void start() throws IOException {
		upstream = new FakeUpstream();
		cluster = DnsTestCluster.start(dir);
		client = cluster.client();
		cluster.startProxy("127.0.0.1", upstream);
	}

	@AfterAll
	static void stop() throws IOException {
		if (client != null) {
			client.close();
		}
		if (cluster != null) {
			cluster.close();
		}
		if (upstream != null) {
			upstream.close();
		}
	}

	@Test
	void aServiceResolvesToItsClusterIpUntilDeleted() {
		Service created = client.services()
			.inNamespace("default")
			.resource(clusterIp("default", "web", null, port("http", "TCP", 80)))
			.create();
		String ip = created.getSpec().getClusterIP();
		assertThat(ip).startsWith("10.");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(answers("web.default.svc.cluster.local.", Type.A, false)).containsExactly(ip));
		assertThat(answers("web.default.svc.cluster.local.", Type.A, true)).containsExactly(ip);
		Message srv = cluster.query("_http._tcp.web.default.svc.cluster.local.", Type.SRV, false);
		assertThat(srv.getSection(Section.ANSWER)).singleElement().satisfies((r) -> {
			assertThat(((SRVRecord) r).getPort()).isEqualTo(80);
			assertThat(((SRVRecord) r).getTarget()).hasToString("web.default.svc.cluster.local.");
		});
		assertThat(cluster.query("web.default.svc.cluster.local.", Type.AAAA, false).getRcode())
			.isEqualTo(Rcode.NOERROR);

		client.services().inNamespace("default").withName("web").delete();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(cluster.query("web.default.svc.cluster.local.", Type.A, false).getRcode())
				.isEqualTo(Rcode.NXDOMAIN));
	}

	@Test
	void headlessServicesAnswerTheirReadyEndpointsAndStatefulSetHostnames() {
		client.services().inNamespace("default").resource(headless("default", "db", port("pg", "TCP", 5432))).create();
		EndpointSlice slice = client.discovery()
			.v1()
			.endpointSlices()
			.inNamespace("default")
			.resource(slice("default", "db", "db-x1", "IPv4", List.of(slicePort("pg", "TCP", 5432)),
					endpoint("172.30.0.10", "db-0", true), endpoint("172.30.0.11", "db-1", true),
					endpoint("172.30.0.12", "db-2", false)))
			.create();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(answers("db.default.svc.cluster.local.", Type.A, false))
				.containsExactlyInAnyOrder("172.30.0.10", "172.30.0.11"));
		assertThat(answers("db-1.db.default.svc.cluster.local.", Type.A, false)).containsExactly("172.30.0.11");
		assertThat(cluster.query("db-2.db.default.svc.cluster.local.", Type.A, false).getRcode())
			.isEqualTo(Rcode.NXDOMAIN);
		assertThat(answers("_pg._tcp.db.default.svc.cluster.local.", Type.SRV, true)).containsExactlyInAnyOrder(
				"0 50 5432 db-0.db.default.svc.cluster.local.", "0 50 5432 db-1.db.default.svc.cluster.local.");
		assertThat(answers("10.0.30.172.in-addr.arpa.", Type.PTR, false))
			.containsExactly("db-0.db.default.svc.cluster.local.");

		// db-1 stops being ready: it leaves the answers.
		slice.getEndpoints().get(1).getConditions().setReady(false);
		client.discovery().v1().endpointSlices().inNamespace("default").resource(slice).update();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(answers("db.default.svc.cluster.local.", Type.A, false))
				.containsExactly("172.30.0.10"));
	}

	@Test
	void externalNameIsACnameWhoseTargetIsResolvedUpstream() {
		client.services()
			.inNamespace("default")
			.resource(externalName("default", "search", "www.example.com"))
			.create();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(answers("search.default.svc.cluster.local.", Type.A, false))
				.containsExactly("www.example.com.", FakeUpstream.ADDRESS));
	}

	@Test
	void otherNamesAreForwardedAndClusterNamesAreNot() {
		assertThat(answers("www.example.org.", Type.A, false)).containsExactly(FakeUpstream.ADDRESS);
		assertThat(answers("www.example.org.", Type.A, true)).containsExactly(FakeUpstream.ADDRESS);
		assertThat(cluster.query("nx.example.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
		cluster.query("nothing.default.svc.cluster.local.", Type.A, false);
		assertThat(upstream.questions).contains("www.example.org. A")
			.noneMatch((question) -> question.contains("cluster.local"));
	}

	@Test
	void theKubeDnsServiceReservesTheAddress() {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> client.services().inNamespace("kube-system").withName("kube-dns").get() != null);
		Service kubeDns = client.services().inNamespace("kube-system").withName("kube-dns").get();
		assertThat(kubeDns.getSpec().getClusterIP()).isEqualTo("10.96.0.10");
		assertThat(kubeDns.getSpec().getSelector()).isNullOrEmpty();
		assertThat(kubeDns.getMetadata().getLabels()).containsEntry(KubeDnsService.PROXY_NAME_LABEL,
				KubeDnsService.PROXY_NAME);
		assertThat(kubeDns.getSpec().getPorts())
			.extracting((p) -> p.getName() + "/" + p.getProtocol() + "/" + p.getPort())
			.containsExactly("dns/UDP/53", "dns-tcp/TCP/53");
		// Idempotent: a second proxy (or a restart) finds it and changes nothing.
		assertThat(KubeDnsService.ensure(client, "10.96.0.10")).isFalse();
		assertThat(client.services()
			.inNamespace("kube-system")
			.withName("kube-dns")
			.get()
			.getMetadata()
			.getResourceVersion()).isEqualTo(kubeDns.getMetadata().getResourceVersion());
		// No other Service can take the address.
		Service thief = clusterIp("default", "thief", "10.96.0.10", port("dns", "UDP", 53));
		assertThat(org.assertj.core.api.Assertions
			.catchThrowable(() -> client.services().inNamespace("default").resource(thief).create()))
			.isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class);
	}

	@Test
	void malformedPacketsGetFormerrAndTheServerKeepsServing() throws IOException {
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.setSoTimeout(3000);
			byte[] garbage = "\u0012\u0034 not a dns message at all".getBytes(StandardCharsets.ISO_8859_1);
			socket.send(new DatagramPacket(garbage, garbage.length, cluster.dns()));
			byte[] buffer = new byte[512];
			DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
			socket.receive(reply);
			Message formerr = new Message(java.util.Arrays.copyOf(buffer, reply.getLength()));
			assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
			assertThat(formerr.getHeader().getID()).isEqualTo(0x1234);
		}
		assertThat(cluster.query("cluster.local.", Type.SOA, false).getRcode()).isEqualTo(Rcode.NOERROR);
		assertThat(cluster.prometheus())
			.contains("stevedore_dns_responses_total{rcode=\"FORMERR\",transport=\"udp\"} 1.0");
	}

	@Test
	void digGetsTheSameAnswersOverUdpAndTcp() throws Exception {
		Service created = client.services()
			.inNamespace("default")
			.resource(clusterIp("default", "digme", null, port("http", "TCP", 80)))
			.create();
		String ip = created.getSpec().getClusterIP();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(dig("digme.default.svc.cluster.local", "A")).isEqualTo(ip));
		assertThat(dig("digme.default.svc.cluster.local", "A", "+tcp")).isEqualTo(ip);
		assertThat(dig("-x", ip)).isEqualTo("digme.default.svc.cluster.local.");
		// The search path of a pod in "default" (ndots:5) finds the short name.
		assertThat(dig("digme", "A", "+search", "+ndots=5", "+domain=default.svc.cluster.local")).isEqualTo(ip);
		Message flags = cluster.query("digme.default.svc.cluster.local.", Type.A, false);
		assertThat(flags.getHeader().getFlag(Flags.AA)).isTrue();
		assertThat(flags.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(5);
	}

	private String dig(String... args) throws Exception {
		List<String> command = new java.util.ArrayList<>(
				List.of("dig", "@" + cluster.dns().getAddress().getHostAddress(), "-p",
						String.valueOf(cluster.dns().getPort()), "+short", "+time=2", "+tries=1"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		return output;
	}

	private static List<String> answers(String name, int type, boolean tcp) {
		Message reply = cluster.query(name, type, tcp);
		return reply.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
	}

	static Map<String, String> labels(String key, String value) {
		return Map.of(key, value);
	}

}
