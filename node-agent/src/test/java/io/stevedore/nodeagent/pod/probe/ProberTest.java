package io.stevedore.nodeagent.pod.probe;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The prober's verdicts, in the words the kubelet puts into its Unhealthy events. */
class ProberTest {

	private final FakeContainerRuntime runtime = new FakeContainerRuntime(java.time.Clock.systemUTC());

	private final Prober prober = new Prober(this.runtime);

	private final Container container = new ContainerBuilder().withName("app").build();

	@Test
	void aFailingCommandIsToldByWhatItPrinted() {
		this.runtime.execExitCode = 1;
		this.runtime.execOutput = "cat: can't open '/tmp/alive': No such file or directory\n";
		Probe probe = new ProbeBuilder().withNewExec().withCommand("cat", "/tmp/alive").endExec().build();

		assertThat(this.prober.probe(probe, this.container, "c1", "127.0.0.1"))
			.isEqualTo("cat: can't open '/tmp/alive': No such file or directory");
		this.runtime.execExitCode = 0;
		assertThat(this.prober.probe(probe, this.container, "c1", "127.0.0.1")).isNull();
	}

	@Test
	void aRefusedConnectionIsWordedAsGosDialer() throws Exception {
		int closed = closedPort();
		Probe tcp = new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(closed)).endTcpSocket().build();
		Probe http = new ProbeBuilder().withNewHttpGet()
			.withPath("/healthz")
			.withPort(new IntOrString(closed))
			.endHttpGet()
			.build();

		assertThat(this.prober.probe(tcp, this.container, "c1", "127.0.0.1"))
			.isEqualTo("dial tcp 127.0.0.1:" + closed + ": connect: connection refused");
		assertThat(this.prober.probe(http, this.container, "c1", "127.0.0.1")).isEqualTo("Get \"http://127.0.0.1:"
				+ closed + "/healthz\": dial tcp 127.0.0.1:" + closed + ": connect: connection refused");
	}

	@Test
	void anHttpErrorStatusFailsWithItsCodeAndA3xxPasses() throws Exception {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/bad", exchange -> {
			exchange.sendResponseHeaders(500, -1);
			exchange.close();
		});
		server.createContext("/moved", exchange -> {
			exchange.getResponseHeaders().add("Location", "/elsewhere");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
		});
		server.start();
		try {
			int port = server.getAddress().getPort();
			assertThat(this.prober.probe(get("/bad", port), this.container, "c1", "127.0.0.1"))
				.isEqualTo("HTTP probe failed with statuscode: 500");
			assertThat(this.prober.probe(get("/moved", port), this.container, "c1", "127.0.0.1")).isNull();
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void anHttpsEndpointWithACertificateNobodyTrustsIsProbedAsTheKubeletDoes() throws Exception {
		// A self-signed certificate for another name: the kubelet checks neither.
		java.security.KeyPair key = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
		java.time.Instant now = java.time.Instant.now();
		var issuer = new org.bouncycastle.asn1.x500.X500Name("CN=somewhere-else");
		java.security.cert.X509Certificate certificate = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
			.getCertificate(new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(issuer,
					java.math.BigInteger.ONE, java.util.Date.from(now.minusSeconds(60)),
					java.util.Date.from(now.plusSeconds(3600)), issuer, key.getPublic())
				.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
					.build(key.getPrivate())));
		java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setKeyEntry("pod", key.getPrivate(), new char[0], new java.security.cert.Certificate[] { certificate });
		javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory
			.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, new char[0]);
		javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
		tls.init(keys.getKeyManagers(), null, null);
		com.sun.net.httpserver.HttpsServer server = com.sun.net.httpserver.HttpsServer
			.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
		server.createContext("/healthz", exchange -> {
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		server.start();
		try {
			Probe https = new ProbeBuilder().withNewHttpGet()
				.withScheme("HTTPS")
				.withPath("/healthz")
				.withPort(new IntOrString(server.getAddress().getPort()))
				.endHttpGet()
				.build();
			assertThat(this.prober.probe(https, this.container, "c1", "127.0.0.1")).isNull();
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void eachFailedRunIsToldToTheListenerWithItsKind() throws Exception {
		this.runtime.execExitCode = 1;
		this.runtime.execOutput = "not yet";
		List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
		var scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
		try {
			ProbeManager probes = new ProbeManager(this.prober, scheduler, key -> {
			}, (podKey, container, kind, output) -> told
				.add(podKey + " " + container.getName() + " " + kind.title + " probe failed: " + output));
			Container withProbe = new ContainerBuilder().withName("app")
				.withReadinessProbe(
						new ProbeBuilder().withNewExec().withCommand("true").endExec().withPeriodSeconds(1).build())
				.build();
			probes.ensure("shop/web", withProbe, "c1", "127.0.0.1");
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> told.size() >= 2);
			assertThat(told).allMatch("shop/web app Readiness probe failed: not yet"::equals);
		}
		finally {
			scheduler.shutdownNow();
		}
	}

	private static Probe get(String path, int port) {
		return new ProbeBuilder().withNewHttpGet().withPath(path).withPort(new IntOrString(port)).endHttpGet().build();
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
