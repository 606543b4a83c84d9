package io.stevedore.proxy.dns;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Bad settings stop the start with the property's name, before anything is touched. */
class ClusterDnsSettingsTest {

	@Test
	void anAddressThatIsNotAnIpIsRefused() {
		try (KubernetesClient client = KubernetesClients.create(ApiServerClientProperties.forUrl("http://127.0.0.1:9"));
				ClusterDns dns = new ClusterDns(settings("dns.example", null), client, new SimpleMeterRegistry())) {
			assertThatIllegalArgumentException().isThrownBy(dns::start)
				.withMessageContaining("stevedore.proxy.dns.address");
			assertThat(dns.isRunning()).isFalse();
		}
	}

	@Test
	void aServiceIpThatIsNotAnIpIsRefused() {
		try (KubernetesClient client = KubernetesClients.create(ApiServerClientProperties.forUrl("http://127.0.0.1:9"));
				ClusterDns dns = new ClusterDns(settings("127.0.0.1", "ten"), client, new SimpleMeterRegistry())) {
			assertThatIllegalArgumentException().isThrownBy(dns::start)
				.withMessageContaining("stevedore.proxy.dns.service-ip");
		}
	}

	@Test
	void portsOutOfRangeAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsProperties.of("127.0.0.1", 70000))
			.withMessageContaining("stevedore.proxy.dns.port");
	}

	@Test
	void theServiceIpDefaultsToTheAddress() {
		assertThat(settings("10.96.0.10", null).serviceIp()).isEqualTo("10.96.0.10");
	}

	private static DnsProperties settings(String address, String serviceIp) {
		return new DnsProperties(true, address, 53, "cluster.local", Duration.ofSeconds(5), false, List.of(),
				Path.of("/nonexistent/resolv.conf"), Duration.ofSeconds(1), DnsProperties.PodMode.INSECURE, false,
				serviceIp, Duration.ofSeconds(1), 1, Duration.ofSeconds(1));
	}

}
