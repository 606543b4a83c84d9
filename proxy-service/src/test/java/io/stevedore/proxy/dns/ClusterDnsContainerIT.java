package io.stevedore.proxy.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.DockerDaemon;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static io.stevedore.proxy.dns.InMemoryClusterRecords.clusterIp;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The production path: the server puts its address on {@code lo} and listens on port 53;
 * a container on the Docker bridge, given that address as its nameserver (what the node
 * agent does for ClusterFirst pods), resolves a Service with busybox's {@code nslookup},
 * by full name and through the pod search path, and an outside name through the (fake)
 * upstream. The address leaves {@code lo} when the proxy stops. A link-local address (as
 * NodeLocal DNSCache uses) keeps the test clear of a real cluster's 10.96.0.10 on the
 * same machine.
 */
class ClusterDnsContainerIT {

	private static final String ADDRESS = "169.254.20.53";

	private static final String LABEL = "io.stevedore.test";

	private static final String LABEL_VALUE = "cluster-dns-it";

	@TempDir
	Path dir;

	@Test
	void aContainerResolvesServicesThroughTheAddressOnLo() throws IOException {
		DockerDaemon.ensureRunning();
		String image = TestImages.busybox();
		InetAddress address = DnsTestCluster.literal(ADDRESS);
		assertThat(LoopbackAddress.present(address, "lo")).as("a leftover %s on lo", ADDRESS).isFalse();
		try (FakeUpstream upstream = new FakeUpstream();
				DnsTestCluster cluster = DnsTestCluster.start(this.dir);
				KubernetesClient client = cluster.client()) {
			cluster.startProxy(ADDRESS, 53, upstream, "--stevedore.proxy.dns.manage-address=true");
			assertThat(LoopbackAddress.present(address, "lo")).isTrue();
			Service hello = client.services()
				.inNamespace("default")
				.resource(clusterIp("default", "hello", null, port("http", "TCP", 80)))
				.create();
			String ip = hello.getSpec().getClusterIP();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(
						cluster.query("hello.default.svc.cluster.local.", Type.A, false).getSection(Section.ANSWER))
					.extracting(Record::rdataToString)
					.containsExactly(ip));

			String full = nslookup(image, "hello.default.svc.cluster.local");
			assertThat(full).contains("hello.default.svc.cluster.local").contains(ip);
			// resolv.conf as the node agent writes it for a ClusterFirst pod in
			// "default".
			String shortName = nslookup(image, "hello", "--dns-search", "default.svc.cluster.local", "--dns-search",
					"svc.cluster.local", "--dns-search", "cluster.local", "--dns-opt", "ndots:5");
			assertThat(shortName).contains(ip);
			assertThat(nslookup(image, "www.example.org")).contains(FakeUpstream.ADDRESS);
			assertThat(nslookup(image, "nothing.default.svc.cluster.local")).contains("NXDOMAIN");
		}
		finally {
			Docker.removeContainers(LABEL, LABEL_VALUE);
		}
		assertThat(LoopbackAddress.present(address, "lo")).as("%s removed from lo at stop", ADDRESS).isFalse();
	}

	private static String nslookup(String image, String name, String... options) {
		java.util.List<String> args = new java.util.ArrayList<>(
				java.util.List.of("run", "--rm", "--label", LABEL + "=" + LABEL_VALUE, "--dns", ADDRESS));
		args.addAll(java.util.List.of(options));
		args.addAll(java.util.List.of(image, "nslookup", "-type=a", name));
		return Docker.tryRun(args.toArray(String[]::new)).output();
	}

}
