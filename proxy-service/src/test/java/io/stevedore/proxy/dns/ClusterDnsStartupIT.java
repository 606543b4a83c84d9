package io.stevedore.proxy.dns;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static io.stevedore.proxy.dns.InMemoryClusterRecords.clusterIp;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A proxy started before its apiserver (as a node may come up first): it serves at once,
 * answers cluster names with SERVFAIL (a "no such name" would be cached and wrong) and
 * outside names normally, then answers from the API once the apiserver is there and
 * creates kube-dns then.
 */
class ClusterDnsStartupIT {

	@TempDir
	Path dir;

	@Test
	void servesBeforeTheApiServerAndCatchesUp() throws IOException {
		try (FakeUpstream upstream = new FakeUpstream();
				DnsTestCluster cluster = DnsTestCluster.withoutApiServer(this.dir)) {
			cluster.startProxy("127.0.0.1", upstream, "--stevedore.proxy.dns.sync-timeout=1s",
					"--stevedore.apiserver.watch-reconnect-interval=200ms");
			assertThat(cluster.query("web.default.svc.cluster.local.", Type.A, false).getRcode())
				.isEqualTo(Rcode.SERVFAIL);
			assertThat(cluster.query("www.example.org.", Type.A, true).getRcode()).isEqualTo(Rcode.NOERROR);

			cluster.startApiServer();
			try (KubernetesClient client = cluster.client()) {
				Service web = client.services()
					.inNamespace("default")
					.resource(clusterIp("default", "web", null, port("http", "TCP", 80)))
					.create();
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(
							cluster.query("web.default.svc.cluster.local.", Type.A, false).getSection(Section.ANSWER))
						.extracting(Record::rdataToString)
						.containsExactly(web.getSpec().getClusterIP()));
				await().atMost(Duration.ofSeconds(30))
					.until(() -> client.services().inNamespace("kube-system").withName("kube-dns").get() != null);
			}
		}
	}

}
