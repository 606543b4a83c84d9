package io.stevedore.gateway.fastpath;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.gateway.pki.Pem;
import io.stevedore.gateway.status.StatusResponses;
import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.gateway.support.StaticTokens;
import io.stevedore.testsupport.kubectl.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fast path through the real TLS gateway in front of the real apiserver, over h2 and
 * HTTP/1.1, next to a second gateway with
 * {@code stevedore.gateway.fast-path.enabled=false} on the same apiserver: both answer
 * every request alike (status, body, content type; refusals word for word), the fast one
 * without Reactor (its counter says so), each writing its audit line.
 */
class FastPathIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static GatewayCluster.Gateway reactive;

	static Kubectl admin;

	static Kubectl jane;

	@BeforeAll
	static void start() throws IOException {
		String tokens = StaticTokens.file(directory, "jane-token,jane,1001,\"developers\"");
		cluster = GatewayCluster.start(directory, tokens);
		reactive = cluster.startAnotherGateway(directory.resolve("reactive"), tokens,
				"--stevedore.gateway.fast-path.enabled=false");
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		jane = cluster.kubectlWithToken("jane-token");
		await().atMost(Duration.ofSeconds(30)).until(() -> admin.run("get", "clusterrole", "view").succeeded());
		admin.run("create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane", "-n", "default")
			.requireSuccess();
		admin.run("create", "configmap", "settings", "--from-literal=color=blue", "-n", "default").requireSuccess();
		// both gateways' informers have the binding
		await().atMost(Duration.ofSeconds(30))
			.until(() -> send(cluster.gatewayUrl(), "GET", "/api/v1/namespaces/default/configmaps", "jane-token",
					HttpClient.Version.HTTP_1_1, null)
				.statusCode() == 200
					&& send(reactive.url(), "GET", "/api/v1/namespaces/default/configmaps", "jane-token",
							HttpClient.Version.HTTP_1_1, null)
						.statusCode() == 200);
	}

	@AfterAll
	static void stop() {
		if (reactive != null) {
			reactive.close();
		}
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void readsAndRefusalsAreAnsweredAsTheReactivePathAnswersThem() throws Exception {
		String[][] requests = { { "GET", "/api/v1/namespaces/default/configmaps/settings", "jane-token" },
				{ "GET", "/api/v1/namespaces/default/configmaps", "jane-token" },
				{ "HEAD", "/api/v1/namespaces/default/configmaps/settings", "jane-token" },
				{ "GET", "/api/v1/namespaces/default/configmaps/missing", "jane-token" },
				{ "GET", "/api/v1/namespaces/kube-system/configmaps", "jane-token" },
				{ "GET", "/api/v1/namespaces/default/secrets", "jane-token" },
				{ "GET", "/api/v1/namespaces/default/configmaps", "wrong-token" },
				{ "GET", "/api/v1/namespaces/default/configmaps", null }, { "GET", "/version", null },
				{ "GET", "/apis", "jane-token" } };
		for (HttpClient.Version version : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
			for (String[] request : requests) {
				double fastBefore = fastCount();
				HttpResponse<String> fast = send(cluster.gatewayUrl(), request[0], request[1], request[2], version,
						null);
				HttpResponse<String> slow = send(reactive.url(), request[0], request[1], request[2], version, null);
				String what = version + " "
						+ String.join(" ", Optional.ofNullable(request[2]).orElse("anonymous"), request[0], request[1]);
				assertThat(fast.version()).as(what).isEqualTo(version);
				assertThat(fastCount()).as(what + " took the fast path").isEqualTo(fastBefore + 1);
				assertThat(fast.statusCode()).as(what).isEqualTo(slow.statusCode());
				assertThat(fast.body()).as(what).isEqualTo(slow.body());
				assertThat(fast.headers().firstValue("content-type")).as(what)
					.isEqualTo(slow.headers().firstValue("content-type"));
				assertThat(fast.headers().firstValue("content-length")).as(what)
					.isEqualTo(slow.headers().firstValue("content-length"));
				assertThat(fast.headers().firstValue("audit-id")).as(what).isPresent();
				if (fast.statusCode() == 429) {
					assertThat(fast.headers().firstValue("retry-after"))
						.isEqualTo(slow.headers().firstValue("retry-after"));
				}
			}
		}
	}

	@Test
	void identityHeadersAClientSendsAreReplacedNotBelieved() throws Exception {
		HttpResponse<String> forged = send(cluster.gatewayUrl(), "GET", "/api/v1/namespaces/default/secrets",
				"jane-token", HttpClient.Version.HTTP_2,
				new String[] { "X-Remote-User", "admin", "X-Remote-Group", "system:masters" });
		assertThat(forged.statusCode()).isEqualTo(403);
		assertThat(StatusResponses.JSON.readTree(forged.body()).path("message").asText())
			.startsWith("secrets is forbidden: User \"jane\" cannot list");
	}

	@Test
	void aClientCertificateIsVerifiedOncePerConnectionAndServedFast() throws Exception {
		SSLContext tls = tls(true);
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls).build();
		double fastBefore = fastCount();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> answer = http.send(
					HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/api/v1/namespaces/kube-system/secrets"))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(StatusResponses.JSON.readTree(answer.body()).path("kind").asText()).isEqualTo("SecretList");
		}
		assertThat(fastCount()).isEqualTo(fastBefore + 3);
	}

	@Test
	void kubectlReadsGoFastAndWritesAndWatchesKeepTheReactivePath() throws Exception {
		double fastBefore = fastCount();
		assertThat(jane.run("get", "configmap", "settings", "-n", "default", "-o", "jsonpath={.data.color}").stdout())
			.isEqualTo("blue");
		assertThat(fastCount()).isGreaterThan(fastBefore);
		admin.run("create", "configmap", "written", "--from-literal=a=b", "-n", "default").requireSuccess();
		assertThat(admin.run("get", "configmap", "written", "-n", "default", "-o", "jsonpath={.data.a}").stdout())
			.isEqualTo("b");
		assertThat(reactiveCount()).isPositive();
	}

	@Test
	void eachFastAnswerIsAuditedWithItsAuditId() throws Exception {
		HttpResponse<String> answer = send(cluster.gatewayUrl(), "GET",
				"/api/v1/namespaces/default/configmaps/settings", "jane-token", HttpClient.Version.HTTP_2, null);
		String auditId = answer.headers().firstValue("audit-id").orElseThrow();
		JsonNode event = await().atMost(Duration.ofSeconds(5)).until(() -> auditEvent(auditId), (e) -> e != null);
		assertThat(event.path("stage").asText()).isEqualTo("ResponseComplete");
		assertThat(event.path("level").asText()).isEqualTo("Metadata");
		assertThat(event.path("verb").asText()).isEqualTo("get");
		assertThat(event.path("user").path("username").asText()).isEqualTo("jane");
		assertThat(event.path("objectRef").path("resource").asText()).isEqualTo("configmaps");
		assertThat(event.path("objectRef").path("name").asText()).isEqualTo("settings");
		assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(200);
		assertThat(event.path("sourceIPs").get(0).asText()).isEqualTo("127.0.0.1");
		assertThat(event.path("annotations").path("authorization.k8s.io/decision").asText()).isEqualTo("allow");

		HttpResponse<String> refused = send(cluster.gatewayUrl(), "GET", "/api/v1/namespaces/kube-system/configmaps",
				"jane-token", HttpClient.Version.HTTP_1_1, null);
		JsonNode denial = await().atMost(Duration.ofSeconds(5))
			.until(() -> auditEvent(refused.headers().firstValue("audit-id").orElseThrow()), (e) -> e != null);
		assertThat(denial.path("responseStatus").path("code").asInt()).isEqualTo(403);
		assertThat(denial.path("annotations").path("authorization.k8s.io/decision").asText()).isEqualTo("forbid");
	}

	private static JsonNode auditEvent(String auditId) throws IOException {
		for (String line : Files.readAllLines(directory.resolve("audit.log"))) {
			JsonNode event = StatusResponses.JSON.readTree(line);
			if (auditId.equals(event.path("auditID").asText())) {
				return event;
			}
		}
		return null;
	}

	private static double fastCount() {
		return count("fast");
	}

	private static double reactiveCount() {
		return count("reactive");
	}

	private static double count(String path) {
		return cluster.gateway()
			.getBean(MeterRegistry.class)
			.counter("stevedore.gateway.fast.path.requests", "path", path)
			.count();
	}

	/**
	 * @param headers extra name, value pairs
	 */
	static HttpResponse<String> send(String gateway, String method, String path, String token,
			HttpClient.Version version, String[] headers) throws Exception {
		HttpClient http = HttpClient.newBuilder().version(version).sslContext(tls(false)).build();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		if (headers != null) {
			for (int i = 0; i < headers.length; i += 2) {
				request.header(headers[i], headers[i + 1]);
			}
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Trusting the cluster CA; with the admin client certificate when asked. */
	static SSLContext tls(boolean adminCertificate) throws Exception {
		KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
		trust.load(null, null);
		trust.setCertificateEntry("ca", Pem.readCertificate(cluster.stateDir().resolve("ca.crt")));
		TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustFactory.init(trust);
		KeyManagerFactory keyFactory = null;
		if (adminCertificate) {
			KeyStore keys = KeyStore.getInstance("PKCS12");
			keys.load(null, null);
			keys.setKeyEntry("admin", Pem.readPrivateKey(cluster.stateDir().resolve("admin.key")), new char[0],
					new java.security.cert.Certificate[] {
							Pem.readCertificate(cluster.stateDir().resolve("admin.crt")) });
			keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keyFactory.init(keys, new char[0]);
		}
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyFactory == null ? null : keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
		return context;
	}

}
