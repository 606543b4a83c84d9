package io.stevedore.proxy.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.proxy.ProxyApplication;
import io.stevedore.proxy.ingress.route.IngressClasses;
import io.stevedore.proxy.ingress.support.IngressObjects;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.DockerDaemon;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static io.stevedore.proxy.ingress.support.IngressObjects.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Ingress against the real apiserver (in this JVM) with busybox httpd containers as
 * backends on a Docker network of the test's own, the Ingress listening on free ports of
 * 127.0.0.1: hosts, paths, default backend, 404, TLS by SNI from a Secret, X-Forwarded-*
 * seen by a CGI backend, a WebSocket-style upgrade, failover from a dead endpoint,
 * status.loadBalancer and a bad Ingress reported while the rest is served.
 */
class IngressIT {

	static final String LABEL = "io.stevedore.ingress-it";

	static final String NETWORK = "stvd-ingress-it";

	static final String SUBNET = "172.31.215";

	@TempDir
	static Path dir;

	static ConfigurableApplicationContext apiserver;

	static ConfigurableApplicationContext proxy;

	static KubernetesClient client;

	static int httpPort;

	static int httpsPort;

	@BeforeAll
	static void start() throws IOException {
		DockerDaemon.ensureRunning();
		TestImages.busybox();
		Docker.removeContainers(LABEL, NETWORK);
		Docker.tryRun("network", "rm", NETWORK);
		Docker.run("network", "create", "--driver", "bridge", "--subnet", SUBNET + ".0/24", NETWORK);
		Path www = dir.resolve("www");
		Files.createDirectories(www.resolve("cgi-bin"));
		script(www.resolve("cgi-bin/headers"), """
				#!/bin/sh
				printf 'Content-Type: text/plain\\r\\n\\r\\n'
				echo "name=$(cat /name)"
				echo "xff=$HTTP_X_FORWARDED_FOR"
				echo "proto=$HTTP_X_FORWARDED_PROTO"
				echo "fhost=$HTTP_X_FORWARDED_HOST"
				echo "fport=$HTTP_X_FORWARDED_PORT"
				""");
		script(dir.resolve("ws.sh"), """
				#!/bin/sh
				while IFS= read -r line; do
				  case "$line" in ""|"$(printf '\\r')") break;; esac
				done
				printf 'HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n\\r\\n'
				exec cat
				""");
		web("a", 11);
		web("b", 12);
		web("c", 13);
		web("fallback", 14);
		web("alive", 15);
		web("dying", 16);
		Docker.run("run", "-d", "--name", NETWORK + "-ws", "--label", LABEL + "=" + NETWORK, "--network", NETWORK,
				"--ip", SUBNET + ".17", "-v", dir.resolve("ws.sh") + ":/ws.sh:ro", TestImages.BUSYBOX, "nc", "-ll",
				"-p", "8080", "-e", "/ws.sh");
		// Accepts connections and never answers.
		Docker.run("run", "-d", "--name", NETWORK + "-silent", "--label", LABEL + "=" + NETWORK, "--network", NETWORK,
				"--ip", SUBNET + ".18", TestImages.BUSYBOX, "nc", "-ll", "-p", "8080", "-e", "sleep", "600");

		int port = freePort();
		apiserver = new SpringApplicationBuilder(ApiServerApplication.class).run("--server.address=127.0.0.1",
				"--server.port=" + port, "--stevedore.apiserver.advertise-address=127.0.0.1:" + port,
				"--stevedore.storage.url=", "--stevedore.storage.embedded-dir=" + dir.resolve("store"),
				"--spring.application.name=apiserver-service", "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN");
		String url = "http://127.0.0.1:" + port;
		client = KubernetesClients.create(new ApiServerClientProperties(url, null, null, null, null, null,
				Duration.ofSeconds(30), Duration.ofMillis(200)));
		httpPort = freePort();
		httpsPort = freePort();
		proxy = new SpringApplicationBuilder(ProxyApplication.class).run("--server.port=0",
				"--stevedore.apiserver.url=" + url, "--stevedore.apiserver.watch-reconnect-interval=200ms",
				"--stevedore.proxy.enabled=false", "--stevedore.proxy.node-name=ingress-it-node",
				"--stevedore.proxy.ingress.enabled=true", "--stevedore.proxy.ingress.bind-address=127.0.0.1",
				"--stevedore.proxy.ingress.http-port=" + httpPort, "--stevedore.proxy.ingress.https-port=" + httpsPort,
				"--stevedore.proxy.ingress.connect-timeout=1s", "--stevedore.proxy.ingress.read-timeout=5s",
				"--server.shutdown=immediate", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--logging.level.io.stevedore.proxy=INFO");
		for (String name : List.of("a", "b", "c", "fallback")) {
			service(name, List.of(SUBNET + "." + (11 + List.of("a", "b", "c", "fallback").indexOf(name))));
		}
		service("ws", List.of(SUBNET + ".17"));
	}

	@AfterAll
	static void stop() {
		if (proxy != null) {
			proxy.close();
		}
		if (client != null) {
			client.close();
		}
		if (apiserver != null) {
			apiserver.close();
		}
		Docker.removeContainers(LABEL, NETWORK);
		Docker.tryRun("network", "rm", NETWORK);
	}

	@Test
	void theStevedoreClassIsCreatedAsTheDefault() {
		IngressClass created = client.network().v1().ingressClasses().withName("stevedore").get();
		assertThat(created.getSpec().getController()).isEqualTo("stevedore.io/ingress");
		assertThat(created.getMetadata().getAnnotations()).containsEntry(IngressClasses.DEFAULT_ANNOTATION, "true");
	}

	@Test
	void twoHostsAPathRuleTheDefaultBackendAnd404() {
		createIngress(ingress("hosts", null).editSpec()
			.withRules(rule("a.test", "/", "Prefix", "a"), rule("b.test", "/", "Prefix", "b", "/c", "Prefix", "c"))
			.endSpec()
			.build());
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("a.test", "/").body()).isEqualTo("a"));
		assertThat(get("b.test", "/").body()).isEqualTo("b");
		assertThat(get("b.test", "/c/index.html").body()).isEqualTo("c");
		assertThat(get("b.test", "/cc").status()).isEqualTo(404); // from b: not the /c
																	// rule
		assertThat(get("a.test", "/c/index.html").body()).isEqualTo("a");
		Response missing = get("nothing.test", "/");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.body()).isEqualTo("404 Not Found");

		createIngress(ingress("default-backend", "stevedore").editSpec()
			.withDefaultBackend(backend("fallback"))
			.endSpec()
			.build());
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("nothing.test", "/").body()).isEqualTo("fallback"));
		assertThat(get("a.test", "/").body()).isEqualTo("a");
	}

	@Test
	void theBackendSeesXForwardedHeadersAndNotTheClientsOwn() {
		createIngress(ingress("headers", null).editSpec()
			.withRules(rule("headers.test", "/", "Prefix", "a"))
			.endSpec()
			.build());
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("headers.test", "/").body()).isEqualTo("a"));
		Response response = request(httpPort, "GET /cgi-bin/headers HTTP/1.1\r\nHost: headers.test\r\n"
				+ "X-Forwarded-For: 6.6.6.6\r\nConnection: close\r\n\r\n");
		assertThat(response.body().lines()).contains("name=a", "xff=127.0.0.1", "proto=http", "fhost=headers.test",
				"fport=" + httpPort);
	}

	@Test
	void tlsHostsGetTheirSecretsCertificateBySniOthersTheDefaultOne() throws Exception {
		SelfSignedCertificate cert = new SelfSignedCertificate("secure.test");
		client.secrets()
			.inNamespace("default")
			.resource(new SecretBuilder().withNewMetadata()
				.withName("secure-tls")
				.endMetadata()
				.withType("kubernetes.io/tls")
				.withData(Map.of("tls.crt", base64(cert.certificate().toPath()), "tls.key",
						base64(cert.privateKey().toPath())))
				.build())
			.create();
		createIngress(ingress("secure", null).editSpec()
			.addNewTl()
			.withHosts("secure.test")
			.withSecretName("secure-tls")
			.endTl()
			.withRules(rule("secure.test", "/", "Prefix", "b"))
			.endSpec()
			.build());

		await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			TlsResponse response = tls("secure.test",
					"GET /cgi-bin/headers HTTP/1.1\r\nHost: secure.test\r\n" + "Connection: close\r\n\r\n");
			assertThat(response.subject()).contains("CN=secure.test");
			assertThat(response.response().body().lines()).contains("name=b", "proto=https", "fport=" + httpsPort);
		});
		// Plain HTTP to a TLS host: 308 to HTTPS, as ingress-nginx does by default.
		Response redirect = get("secure.test", "/x?y=1");
		assertThat(redirect.status()).isEqualTo(308);
		assertThat(redirect.head()).contains("location: https://secure.test:" + httpsPort + "/x?y=1");
		TlsResponse other = tls("unknown.test", "GET / HTTP/1.1\r\nHost: unknown.test\r\nConnection: close\r\n\r\n");
		assertThat(other.subject()).contains("CN=stevedore-ingress-default.invalid");
		cert.delete();
	}

	@Test
	void aWebSocketUpgradeBecomesATunnel() {
		createIngress(ingress("ws", null).editSpec().withRules(rule("ws.test", "/", "Prefix", "ws")).endSpec().build());
		await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", httpPort), 3000);
				socket.setSoTimeout(5000);
				OutputStream out = socket.getOutputStream();
				out.write(("GET /chat HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				InputStream in = socket.getInputStream();
				String head = readHead(in);
				assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("upgrade: websocket");
				out.write("ping over the tunnel\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				byte[] echo = in.readNBytes("ping over the tunnel\n".length());
				assertThat(new String(echo, StandardCharsets.US_ASCII)).isEqualTo("ping over the tunnel\n");
			}
		});
	}

	@Test
	void aDeadEndpointIsSkippedAndEveryRequestIsAnswered() {
		service("flaky", List.of(SUBNET + ".15", SUBNET + ".16"));
		createIngress(ingress("flaky", null).editSpec()
			.withRules(rule("flaky.test", "/", "Prefix", "flaky"))
			.endSpec()
			.build());
		await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Set<String> seen = new HashSet<>();
			for (int i = 0; i < 6; i++) {
				seen.add(get("flaky.test", "/").body());
			}
			assertThat(seen).containsExactlyInAnyOrder("alive", "dying");
		});
		// The server dies; its endpoint is still listed as ready (as until the node
		// notices), so connections to it are refused. (httpd is not PID 1: it can be
		// killed.)
		Docker.run("exec", NETWORK + "-dying", "killall", "httpd");
		List<String> bodies = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			Response response = get("flaky.test", "/");
			bodies.add(response.status() + " " + response.body());
		}
		assertThat(bodies).containsOnly("200 alive");
	}

	@Test
	void aBackendThatNeverAnswersIs504AndOneThatRefusesIs502() {
		service("silent", List.of(SUBNET + ".18"));
		service("refusing", List.of(SUBNET + ".17"), 8081);
		createIngress(ingress("failing", null).editSpec()
			.withRules(rule("failing.test", "/silent", "Prefix", "silent", "/refusing", "Prefix", "refusing"))
			.endSpec()
			.build());
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("failing.test", "/refusing").status()).isEqualTo(502));
		assertThat(get("failing.test", "/refusing").body()).isEqualTo("502 Bad Gateway");
		long start = System.nanoTime();
		Response silent = get("failing.test", "/silent");
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(silent.status()).isEqualTo(504);
		assertThat(silent.body()).isEqualTo("504 Gateway Timeout");
		// read-timeout=5s, and the only endpoint is not tried twice.
		assertThat(took).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(9));
	}

	@Test
	void servedIngressesGetTheNodesAddressesInTheirStatus() {
		var node = client.nodes()
			.resource(new NodeBuilder().withNewMetadata().withName("ingress-node").endMetadata().build())
			.create();
		node.setStatus(new NodeStatusBuilder().addNewAddress()
			.withType("InternalIP")
			.withAddress("192.0.2.80")
			.endAddress()
			.build());
		client.nodes().resource(node).updateStatus();
		createIngress(ingress("status", null).editSpec()
			.withRules(rule("status.test", "/", "Prefix", "a"))
			.endSpec()
			.build());
		createIngress(ingress("not-ours", "someone-else").editSpec()
			.withRules(rule("not-ours.test", "/", "Prefix", "a"))
			.endSpec()
			.build());

		await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Ingress ingress = client.network().v1().ingresses().inNamespace("default").withName("status").get();
			assertThat(ingress.getStatus().getLoadBalancer().getIngress()).extracting(i -> i.getIp())
				.containsExactly("192.0.2.80");
		});
		Ingress notOurs = client.network().v1().ingresses().inNamespace("default").withName("not-ours").get();
		assertThat(notOurs.getStatus() == null || notOurs.getStatus().getLoadBalancer() == null
				|| notOurs.getStatus().getLoadBalancer().getIngress() == null
				|| notOurs.getStatus().getLoadBalancer().getIngress().isEmpty())
			.isTrue();
		assertThat(get("not-ours.test", "/").status()).isIn(404, 200);
	}

	@Test
	void anIngressNamingAMissingServiceGetsAnEventAnd503AndTheOthersAreServed() {
		createIngress(ingress("broken", null).editSpec()
			.withRules(rule("broken.test", "/", "Prefix", "no-such-service"))
			.endSpec()
			.build());
		createIngress(ingress("healthy", null).editSpec()
			.withRules(rule("healthy.test", "/", "Prefix", "c"))
			.endSpec()
			.build());

		await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			var events = client.v1().events().inNamespace("default").list().getItems();
			assertThat(events).anySatisfy(e -> {
				assertThat(e.getInvolvedObject().getKind()).isEqualTo("Ingress");
				assertThat(e.getInvolvedObject().getName()).isEqualTo("broken");
				assertThat(e.getReason()).isEqualTo("ServiceNotFound");
				assertThat(e.getType()).isEqualTo("Warning");
				assertThat(e.getMessage()).contains("service default/no-such-service not found");
			});
		});
		await().ignoreExceptions()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(get("healthy.test", "/").body()).isEqualTo("c"));
		assertThat(get("broken.test", "/").status()).isEqualTo(503);
	}

	// --- the cluster's objects

	static void web(String name, int octet) {
		Docker.run("run", "-d", "--name", NETWORK + "-" + name, "--label", LABEL + "=" + NETWORK, "--network", NETWORK,
				"--ip", SUBNET + "." + octet, "-v", dir.resolve("www/cgi-bin") + ":/cgi:ro", TestImages.BUSYBOX, "sh",
				"-c",
				"mkdir -p /www/c && echo " + name + " > /www/index.html && echo " + name
						+ " > /www/c/index.html && echo " + name
						+ " > /name && ln -s /cgi /www/cgi-bin && (httpd -f -p 8080 -h /www &) && exec sleep 100000");
	}

	static void service(String name, List<String> ips) {
		service(name, ips, 8080);
	}

	static void service(String name, List<String> ips, int targetPort) {
		client.services().inNamespace("default").resource(IngressObjects.service("default", name)).create();
		client.discovery()
			.v1()
			.endpointSlices()
			.inNamespace("default")
			.resource(IngressObjects.slice("default", name + "-1", name, targetPort, ips, List.of()))
			.create();
	}

	static IngressBuilder ingress(String name, String className) {
		return IngressObjects.ingress("default", name, className);
	}

	static IngressRule rule(String host, String... pathTypeService) {
		return IngressObjects.rule(host, pathTypeService).build();
	}

	static void createIngress(Ingress ingress) {
		client.network().v1().ingresses().inNamespace("default").resource(ingress).create();
	}

	// --- clients

	record Response(int status, String head, String body) {
	}

	record TlsResponse(String subject, Response response) {
	}

	static Response get(String host, String path) {
		return request(httpPort, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
	}

	static Response request(int port, String request) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 3000);
			socket.setSoTimeout(10000);
			return exchange(socket, request);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static TlsResponse tls(String serverName, String request) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { new TrustingManager() }, null);
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", httpsPort), 3000);
			socket.setSoTimeout(10000);
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setServerNames(List.of(new SNIHostName(serverName)));
			socket.setSSLParameters(parameters);
			socket.startHandshake();
			X509Certificate peer = (X509Certificate) socket.getSession().getPeerCertificates()[0];
			return new TlsResponse(peer.getSubjectX500Principal().getName(), exchange(socket, request));
		}
	}

	private static Response exchange(Socket socket, String request) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		int split = text.indexOf("\r\n\r\n");
		String head = (split < 0) ? text : text.substring(0, split);
		String body = (split < 0) ? "" : text.substring(split + 4);
		if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
			body = dechunk(body);
		}
		int status = Integer.parseInt(head.substring(9, 12));
		return new Response(status, head, body.strip());
	}

	private static String dechunk(String body) {
		StringBuilder out = new StringBuilder();
		int at = 0;
		while (true) {
			int eol = body.indexOf("\r\n", at);
			int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
			if (size == 0) {
				return out.toString();
			}
			out.append(body, eol + 2, eol + 2 + size);
			at = eol + 2 + size + 2;
		}
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.append((char) b);
		}
		return head.toString();
	}

	private static String base64(Path file) throws IOException {
		return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
	}

	private static void script(Path path, String text) throws IOException {
		Files.writeString(path, text);
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
	}

	/** The test checks the certificate's subject itself. */
	private static final class TrustingManager implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
