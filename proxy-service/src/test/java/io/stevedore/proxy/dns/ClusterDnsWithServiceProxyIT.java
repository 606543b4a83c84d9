package io.stevedore.proxy.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.DockerDaemon;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.proxy.dns.InMemoryClusterRecords.clusterIp;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster DNS on an address inside the service CIDR, as in production (10.96.0.10 there),
 * next to the Service proxy's kernel plane in the same process. That plane refuses new
 * connections to any address of the CIDR that is not one of its Services, and kube-dns is
 * not (service-proxy-name label): a container's query gets through only because DNS is
 * exempt from connection tracking. Shown both ways: with the exemption removed, the same
 * lookup fails. Own CIDR and chain prefix, so other tests' rules are not touched.
 */
class ClusterDnsWithServiceProxyIT {

	private static final String CIDR = "10.213.0.0/16";

	private static final String ADDRESS = "10.213.0.10";

	private static final String LABEL = "io.stevedore.test";

	private static final String LABEL_VALUE = "cluster-dns-proxy-it";

	@TempDir
	Path dir;

	@Test
	void podsResolveThroughTheServiceProxysFirewall() throws IOException {
		DockerDaemon.ensureRunning();
		String image = TestImages.busybox();
		InetAddress address = DnsTestCluster.literal(ADDRESS);
		NotrackRules notrack = new NotrackRules(address, 53);
		try (FakeUpstream upstream = new FakeUpstream();
				DnsTestCluster cluster = DnsTestCluster.start(this.dir, "--stevedore.apiserver.service-cidr=" + CIDR);
				KubernetesClient client = cluster.client()) {
			cluster.startProxy(ADDRESS, 53, upstream, "--stevedore.proxy.enabled=true",
					"--stevedore.proxy.mode=iptables", "--stevedore.proxy.chain-prefix=ITDNS",
					"--stevedore.proxy.service-cidr=" + CIDR, "--stevedore.proxy.node-name=dns-it-node",
					"--stevedore.proxy.dns.manage-address=true", "--stevedore.proxy.dns.service-ip=" + ADDRESS);
			assertThat(notrack.present()).isTrue();
			Service hello = client.services()
				.inNamespace("default")
				.resource(clusterIp("default", "hello", null, port("http", "TCP", 80)))
				.create();
			String ip = hello.getSpec().getClusterIP();
			assertThat(ip).startsWith("10.213.");
			// The Service proxy has programmed the node once hello (no endpoints) is
			// refused.
			await().atMost(Duration.ofSeconds(20))
				.until(() -> Docker
					.tryRun("run", "--rm", "--label", LABEL + "=" + LABEL_VALUE, image, "sh", "-c",
							"nc -w 2 " + ip + " 80 </dev/null; echo exit=$?")
					.output()
					.contains("refused"));

			assertThat(nslookup(image, "hello.default.svc.cluster.local")).contains(ip);

			notrack.close();
			assertThat(nslookup(image, "hello.default.svc.cluster.local")).doesNotContain(ip);
			notrack.apply();
			assertThat(nslookup(image, "hello.default.svc.cluster.local")).contains(ip);
		}
		finally {
			Docker.removeContainers(LABEL, LABEL_VALUE);
		}
		assertThat(notrack.present()).as("NOTRACK rules removed at stop").isFalse();
		assertThat(LoopbackAddress.present(address, "lo")).isFalse();
	}

	private static String nslookup(String image, String name) {
		List<String> args = new ArrayList<>(List.of("run", "--rm", "--label", LABEL + "=" + LABEL_VALUE, "--dns",
				ADDRESS, image, "timeout", "8", "nslookup", "-type=a", name));
		return Docker.tryRun(args.toArray(String[]::new)).output();
	}

}
