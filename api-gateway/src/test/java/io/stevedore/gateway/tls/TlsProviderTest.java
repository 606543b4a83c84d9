package io.stevedore.gateway.tls;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.stevedore.gateway.pki.CertificateAuthority;
import io.stevedore.gateway.pki.ClusterPki;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class TlsProviderTest {

	@TempDir
	Path dir;

	@Test
	@DisplayName("without netty-tcnative's library the JDK's TLS serves")
	void fallsBackToTheJdk() {
		assertThat(TlsProvider.choose(false, false, new UnsatisfiedLinkError("no netty_tcnative")))
			.isEqualTo(SslProvider.JDK);
		assertThat(TlsProvider.choose(false, false, null)).isEqualTo(SslProvider.JDK);
		assertThat(TlsProvider.choose(true, false, null)).as("OpenSSL without ALPN").isEqualTo(SslProvider.JDK);
		assertThat(TlsProvider.choose(true, true, null)).isEqualTo(SslProvider.OPENSSL);
	}

	@Test
	@DisplayName("on linux-x86_64 the bundled BoringSSL loads and is chosen")
	void boringSslOnThisPlatform() throws Exception {
		boolean bundled = System.getProperty("os.name").toLowerCase().contains("linux")
				&& List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
		assertThat(TlsProvider.chosen()).isEqualTo(bundled ? SslProvider.OPENSSL : SslProvider.JDK);
		if (bundled) {
			assertThat(OpenSsl.versionString()).contains("BoringSSL");
			ClusterPki pki = ClusterPki.loadOrCreate(this.dir, List.of("localhost"), "https://localhost:6443",
					Clock.systemUTC());
			assertThat(TlsConfiguration.serverContext(pki, true, TlsProvider.chosen()))
				.isInstanceOf(OpenSslContext.class);
		}
	}

	@ParameterizedTest
	@EnumSource(value = SslProvider.class, names = { "OPENSSL", "JDK" })
	@DisplayName("either provider negotiates h2 by ALPN and hands over the client certificate, whatever its CA")
	void handshake(SslProvider provider) throws Exception {
		if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
			// the other test says whether that is expected here
			return;
		}
		ClusterPki pki = ClusterPki.loadOrCreate(this.dir, List.of("localhost"), "https://localhost:6443",
				Clock.systemUTC());
		SslContext server = TlsConfiguration.serverContext(pki, true, provider);
		CertificateAuthority other = CertificateAuthority.generate("someone-else", Clock.systemUTC());
		KeyPair keys = CertificateAuthority.newKeyPair();
		X509Certificate clientCertificate = other.issueClient("mallory", List.of("devs"), keys.getPublic());
		SslContext client = SslContextBuilder.forClient()
			.sslProvider(SslProvider.JDK)
			.keyManager(keys.getPrivate(), clientCertificate)
			.trustManager(pki.authority().certificate())
			.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
					ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
					ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2,
					ApplicationProtocolNames.HTTP_1_1))
			.build();
		SSLEngine serverEngine = server.newEngine(ByteBufAllocator.DEFAULT);
		SSLEngine clientEngine = client.newEngine(ByteBufAllocator.DEFAULT, "localhost", 6443);
		handshake(clientEngine, serverEngine);

		assertThat(serverEngine.getApplicationProtocol()).isEqualTo("h2");
		assertThat(clientEngine.getApplicationProtocol()).isEqualTo("h2");
		assertThat(serverEngine.getSession().getPeerCertificates()).hasSize(1);
		assertThat(serverEngine.getSession().getPeerCertificates()[0]).isEqualTo(clientCertificate);
		assertThat(clientEngine.getSession().getPeerCertificates()[0]).isEqualTo(pki.servingCertificate());
	}

	/** Runs both engines' handshakes against each other in memory. */
	private static void handshake(SSLEngine client, SSLEngine server) throws Exception {
		int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
		ByteBuffer toServer = ByteBuffer.allocate(4 * size);
		ByteBuffer toClient = ByteBuffer.allocate(4 * size);
		ByteBuffer clientApp = ByteBuffer.allocate(4 * size);
		ByteBuffer serverApp = ByteBuffer.allocate(4 * size);
		ByteBuffer empty = ByteBuffer.allocate(0);
		client.beginHandshake();
		server.beginHandshake();
		for (int round = 0; round < 100; round++) {
			if (done(client) && done(server)) {
				return;
			}
			step(client, empty, toServer, toClient, clientApp);
			step(server, empty, toClient, toServer, serverApp);
		}
		throw new AssertionError("no handshake after 100 rounds: client " + client.getHandshakeStatus() + ", server "
				+ server.getHandshakeStatus());
	}

	private static boolean done(SSLEngine engine) {
		HandshakeStatus status = engine.getHandshakeStatus();
		return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
	}

	/** What one engine has to say, and what it reads from the other. */
	private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
			throws Exception {
		engine.wrap(empty, out);
		runTasks(engine);
		in.flip();
		while (in.hasRemaining()) {
			int before = in.remaining();
			engine.unwrap(in, app);
			runTasks(engine);
			if (in.remaining() == before) {
				break;
			}
		}
		in.compact();
		engine.wrap(empty, out);
		runTasks(engine);
	}

	private static void runTasks(SSLEngine engine) {
		Runnable task;
		while ((task = engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

}
