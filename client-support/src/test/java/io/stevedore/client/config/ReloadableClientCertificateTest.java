package io.stevedore.client.config;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedKeyManager;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Real TLS handshakes (the JDK's HTTPS server requiring a client certificate, TLS 1.3
 * with session tickets) against the fabric8 client on the JDK HttpClient: the server
 * answers with the serial of the certificate the connection was authenticated with.
 */
class ReloadableClientCertificateTest {

	private final TestPki pki = new TestPki();

	@TempDir
	Path dir;

	private HttpsServer server;

	/** The TLS session of each request's connection (one per full handshake). */
	private final java.util.Set<javax.net.ssl.SSLSession> connections = java.util.concurrent.ConcurrentHashMap
		.newKeySet();

	private final java.util.concurrent.atomic.AtomicInteger posts = new java.util.concurrent.atomic.AtomicInteger();

	private Path cert;

	private Path key;

	private ApiServerClientProperties properties;

	@BeforeEach
	void serverAskingForAClientCertificate() throws Exception {
		this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setHttpsConfigurator(new HttpsConfigurator(this.pki.serverContext()) {
			@Override
			public void configure(HttpsParameters params) {
				SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
				parameters.setNeedClientAuth(true);
				params.setSSLParameters(parameters);
			}
		});
		this.server.createContext("/", (exchange) -> {
			this.connections.add(((HttpsExchange) exchange).getSSLSession());
			if ("POST".equals(exchange.getRequestMethod())) {
				exchange.getRequestBody().readAllBytes();
				this.posts.incrementAndGet();
			}
			X509Certificate peer = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
				.getPeerCertificates()[0];
			byte[] body = peer.getSerialNumber().toString().getBytes(StandardCharsets.US_ASCII);
			if (exchange.getRequestURI().getPath().endsWith("/close")) {
				// this connection ends after the answer: the next request opens a new one
				exchange.getResponseHeaders().set("Connection", "close");
			}
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.setExecutor(Executors.newSingleThreadExecutor());
		this.server.start();
		Path ca = Files.writeString(this.dir.resolve("ca.crt"), TestPki.pem(this.pki.ca));
		this.cert = this.dir.resolve("client.crt");
		this.key = this.dir.resolve("client.key");
		this.pki.writeClient(BigInteger.valueOf(1001), TestKeys.rsa(), this.cert, this.key);
		this.properties = new ApiServerClientProperties("https://127.0.0.1:" + this.server.getAddress().getPort(), null,
				null, ca.toString(), this.cert.toString(), this.key.toString(), Duration.ofSeconds(10),
				Duration.ofSeconds(1));
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	@Test
	void afterAReloadTheNextRequestsGoOutWithTheNewCertificateEvenOnAPooledConnection() throws Exception {
		ReloadableClientCertificate certificate = ReloadableClientCertificate.load(this.properties);
		try (KubernetesClient client = KubernetesClients.create(this.properties, certificate)) {
			assertThat(get(client, "/serial")).isEqualTo("1001");
			assertThat(get(client, "/serial")).isEqualTo("1001");
			assertThat(this.connections).as("one pooled connection").hasSize(1);
			assertThat(certificate.certificate().getSerialNumber()).isEqualTo(1001);

			this.pki.writeClient(BigInteger.valueOf(1002), TestKeys.rsa(), this.cert, this.key);
			assertThat(certificate.reload().getSerialNumber()).isEqualTo(1002);

			assertThat(get(client, "/serial")).as("the pooled connection retired, a full handshake with the new key")
				.isEqualTo("1002");
			assertThat(get(client, "/serial")).isEqualTo("1002");
			assertThat(this.connections).hasSize(2);

			this.pki.writeClient(BigInteger.valueOf(1003), TestKeys.rsa(), this.cert, this.key);
			certificate.reload();
			assertThat(post(client, "/serial")).as("a POST is retried on a new connection too").isEqualTo("1003");
			assertThat(this.posts).as("and reaches the server once").hasValue(1);
		}
	}

	/**
	 * Why a reload replaces the whole context rather than the key manager in it: the JDK
	 * client resumes the TLS session of the old connection, and the server takes the
	 * resumed session's certificate as the client's.
	 */
	@Test
	void swappingOnlyTheKeyManagerLetsANewConnectionResumeWithTheOldCertificate() throws Exception {
		AtomicReference<X509ExtendedKeyManager> keyManager = new AtomicReference<>(keyManager());
		SSLContext context = SSLContext.getInstance("TLSv1.3");
		context.init(new javax.net.ssl.KeyManager[] { new Delegating(keyManager) },
				this.pki.trustManagers().getTrustManagers(), null);
		try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(context).build()) {
			assertThat(get(client, "/close")).isEqualTo("1001");

			this.pki.writeClient(BigInteger.valueOf(1002), TestKeys.rsa(), this.cert, this.key);
			keyManager.set(keyManager());

			assertThat(get(client, "/close")).as("resumed: the new key is never asked for").isEqualTo("1001");
		}
	}

	@Test
	void aBrokenFileKeepsTheCertificateInUse() throws Exception {
		ReloadableClientCertificate certificate = ReloadableClientCertificate.load(this.properties);
		Files.writeString(this.key, "not a key");

		assertThatIllegalArgumentException().isThrownBy(certificate::reload)
			.withMessageContaining("stevedore.apiserver.client-cert-file/client-key-file");
		assertThat(certificate.certificate().getSerialNumber()).isEqualTo(1001);
		try (KubernetesClient client = KubernetesClients.create(this.properties, certificate)) {
			assertThat(get(client, "/serial")).isEqualTo("1001");
		}
	}

	@Test
	void withoutAClientCertificateThereIsNothingToReload() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReloadableClientCertificate.load(ApiServerClientProperties.forUrl("https://127.0.0.1:1")))
			.withMessageContaining("stevedore.apiserver.client-cert-file");
	}

	private String get(KubernetesClient client, String path) throws Exception {
		var http = client.getHttpClient();
		return http.sendAsync(http.newHttpRequestBuilder().uri(this.properties.url() + path).build(), String.class)
			.get()
			.body();
	}

	private String post(KubernetesClient client, String path) throws Exception {
		var http = client.getHttpClient();
		return http.sendAsync(
				http.newHttpRequestBuilder().uri(this.properties.url() + path).post("application/json", "{}").build(),
				String.class)
			.get()
			.body();
	}

	private String get(java.net.http.HttpClient client, String path) throws Exception {
		return client
			.send(java.net.http.HttpRequest.newBuilder(URI.create(this.properties.url() + path)).build(),
					java.net.http.HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private X509ExtendedKeyManager keyManager() throws Exception {
		KeyStore store = io.fabric8.kubernetes.client.internal.CertUtils.createKeyStore(Files.newInputStream(this.cert),
				Files.newInputStream(this.key), "RSA", "changeit".toCharArray(), null, "changeit".toCharArray());
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(store, "changeit".toCharArray());
		return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
	}

	/** The "reloading key manager" on its own. */
	private static final class Delegating extends X509ExtendedKeyManager {

		private final AtomicReference<X509ExtendedKeyManager> current;

		Delegating(AtomicReference<X509ExtendedKeyManager> current) {
			this.current = current;
		}

		@Override
		public String[] getClientAliases(String keyType, Principal[] issuers) {
			return this.current.get().getClientAliases(keyType, issuers);
		}

		@Override
		public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
			return this.current.get().chooseClientAlias(keyType, issuers, socket);
		}

		@Override
		public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
			return this.current.get().chooseEngineClientAlias(keyType, issuers, engine);
		}

		@Override
		public String[] getServerAliases(String keyType, Principal[] issuers) {
			return null;
		}

		@Override
		public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
			return null;
		}

		@Override
		public X509Certificate[] getCertificateChain(String alias) {
			return this.current.get().getCertificateChain(alias);
		}

		@Override
		public PrivateKey getPrivateKey(String alias) {
			return this.current.get().getPrivateKey(alias);
		}

	}

}
