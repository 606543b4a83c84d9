package io.stevedore.proxy.service.sync;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A proxy stopping after its apiserver: the Lease delete must not hold the stop (and so
 * the removal of the rules after it) for fabric8's ~100 s of retries.
 */
class AppliedRevisionLeaseTest {

	@Test
	void closeDoesNotWaitOnAnUnreachableApiserver() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		try (KubernetesClient client = new KubernetesClientBuilder()
			.withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + closedPort).build())
			.build()) {
			AppliedRevisionLease lease = new AppliedRevisionLease(client, "node-a", Duration.ofSeconds(10),
					Duration.ofSeconds(40), Duration.ofMillis(200));
			// Generous against a loaded machine, far under the retries' ~100 s (this
			// failed
			// before the bound: the delete retried for the whole minute).
			long started = System.nanoTime();
			assertTimeoutPreemptively(Duration.ofSeconds(60), lease::close);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		}
	}

}
