package io.stevedore.client.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KubernetesClientsTest {

	@Test
	void theClientTalksToTheConfiguredUrlWithTheConfiguredTimeouts() {
		Config config = KubernetesClients.config(new ApiServerClientProperties("http://10.0.0.1:8080", null, null, null,
				null, null, Duration.ofSeconds(7), Duration.ofMillis(250)));

		assertThat(config.getMasterUrl()).startsWith("http://10.0.0.1:8080");
		assertThat(config.getRequestTimeout()).isEqualTo(7000);
		assertThat(config.getWatchReconnectInterval()).isEqualTo(250);
		assertThat(config.getOauthToken()).isNull();
		assertThat(config.isOnlyHttpWatches()).isTrue();
		assertThat(config.isHttp2Disable()).as("components stay on HTTP/1.1 where the gateway offers h2").isTrue();
	}

	@Test
	void aTokenFileIsReadAndTrimmed(@TempDir Path dir) throws Exception {
		Path token = Files.writeString(dir.resolve("token"), "  s3cr3t\n");

		Config config = KubernetesClients.config(new ApiServerClientProperties("https://127.0.0.1:6443", null,
				token.toString(), null, null, null, Duration.ofSeconds(30), Duration.ofSeconds(1)));

		assertThat(config.getOauthToken()).isEqualTo("s3cr3t");
	}

	@ParameterizedTest(name = "url \"{0}\" is rejected naming the property")
	@CsvSource({ "ftp://127.0.0.1:8080", "127.0.0.1:8080", "'http://'", "'http://bad host'" })
	void aBadUrlIsRejectedNamingTheProperty(String url) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KubernetesClients.config(ApiServerClientProperties.forUrl(url)))
			.withMessageContaining("stevedore.apiserver.url");
	}

	@Test
	void aClientCertificateWithoutItsKeyIsRejected(@TempDir Path dir) throws Exception {
		Path cert = Files.writeString(dir.resolve("client.crt"), "pem");

		assertThatIllegalArgumentException()
			.isThrownBy(() -> KubernetesClients.config(new ApiServerClientProperties("https://127.0.0.1:6443", null,
					null, null, cert.toString(), null, Duration.ofSeconds(30), Duration.ofSeconds(1))))
			.withMessageContaining("stevedore.apiserver.client-key-file");
	}

	@Test
	void aMissingCaFileIsRejectedNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> KubernetesClients.config(new ApiServerClientProperties("https://127.0.0.1:6443", null,
					null, "/nonexistent/ca.crt", null, null, Duration.ofSeconds(30), Duration.ofSeconds(1))))
			.withMessageContaining("stevedore.apiserver.ca-cert-file");
	}

}
