package io.stevedore.apiserver.kubelet;

import java.net.URI;
import java.net.http.HttpClient;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The transport's choices without an agent: the scheme, and settings that are wrong.
 * Handshakes against a real agent: node-agent's {@code KubeletServingTlsIT}.
 */
class KubeletTransportTest {

	private static final URI LOGS = URI
		.create("http://10.0.0.7:10250/containerLogs/ns/web%201/main?tailLines=5&follow=true");

	@Test
	void withoutACertificateAuthorityAgentsAreCalledOverPlainHttp() {
		KubeletTransport transport = KubeletTransport.of(new KubeletClientProperties(null, null, "", null));

		assertThat(transport.secure()).isFalse();
		assertThat(transport.locate(LOGS)).isEqualTo(LOGS);
	}

	@Test
	void withACertificateAuthorityTheSameLocationIsHttps() {
		KubeletTransport transport = KubeletTransport.of(new KubeletClientProperties(null, null, "/pki/ca.crt", null));

		assertThat(transport.secure()).isTrue();
		assertThat(transport.locate(LOGS))
			.hasToString("https://10.0.0.7:10250/containerLogs/ns/web%201/main?tailLines=5&follow=true");
	}

	@Test
	void filesThatCannotBeReadFailTheCallNotTheStartAndAreTriedAgain() {
		KubeletTransport transport = KubeletTransport
			.of(new KubeletClientProperties("/no/such/client.crt", "/no/such/client.key", "/no/such/ca.crt", null));
		KubeletTransport.Http http = transport.http(HttpClient::newBuilder);

		for (int call = 0; call < 2; call++) {
			assertThatIOException().isThrownBy(http::get)
				.withMessageContaining("stevedore.apiserver.kubelet")
				.withMessageContaining("/no/such/");
		}
		assertThatIOException().isThrownBy(() -> transport.dial("127.0.0.1", 1, 1000));
	}

	@Test
	void aClientCertificateWithoutItsKeyIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new KubeletClientProperties("/pki/client.crt", null, "/pki/ca.crt", null))
			.withMessageContaining("client-certificate and client-key must be set together");
	}

}
