package io.stevedore.gateway.limits;

import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
 * The real gateway and apiserver with tiny limits (one read-only and one mutating request
 * in flight, 5 requests a second a user): the request over a cap is kube-apiserver's 429
 * with Retry-After, watches are not counted, system:masters is never refused.
 */
class RequestLimitsIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	static HttpClient http;

	@BeforeAll
	static void start() throws Exception {
		cluster = GatewayCluster.start(directory,
				StaticTokens.file(directory, "limited-token,limited,2001,\"\"", "bursty-token,bursty,2002,\"\""),
				"--stevedore.gateway.limits.max-requests-inflight=1",
				"--stevedore.gateway.limits.max-mutating-requests-inflight=1", "--stevedore.gateway.limits.user-qps=5",
				"--stevedore.gateway.limits.user-burst=30");
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> admin.run("get", "clusterrole", "cluster-admin").succeeded());
		admin
			.run("create", "clusterrolebinding", "limited-admin", "--clusterrole=cluster-admin", "--user=limited",
					"--user=bursty")
			.requireSuccess();
		http = client();
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> send(get("limited-token", "/api/v1/namespaces/default/configmaps")).statusCode() == 200);
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aMutatingRequestOverTheInFlightCapIsTooManyRequestsWithRetryAfterUntilTheSlotIsFree() throws Exception {
		PipedOutputStream body = new PipedOutputStream();
		PipedInputStream slowBody = new PipedInputStream(body);
		// The first create holds the only mutating slot while its body is still arriving.
		CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
				post("limited-token", HttpRequest.BodyPublishers.ofInputStream(() -> slowBody)),
				HttpResponse.BodyHandlers.ofString());
		body.write("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",".getBytes(StandardCharsets.UTF_8));
		body.flush();
		// The slow create must hold the slot before the others try: sent first, its
		// head can still reach the gateway after theirs (then it is the one refused).
		await().atMost(Duration.ofSeconds(10))
			.until(() -> cluster.gateway()
				.getBean(MeterRegistry.class)
				.get("apiserver.current.inflight.requests")
				.tag("request_kind", "mutating")
				.gauge()
				.value() >= 1);
		HttpResponse<String> refused = await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> send(post("limited-token", HttpRequest.BodyPublishers.ofString(configMap("second")))),
					(response) -> response.statusCode() == 429);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
		var status = StatusResponses.JSON.readTree(refused.body());
		assertThat(status.path("kind").asText()).isEqualTo("Status");
		assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
		assertThat(status.path("message").asText()).isEqualTo("Too many requests, please try again later.");
		assertThat(status.path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
		assertThat(admin.run("create", "configmap", "by-admin", "-n", "default").succeeded())
			.as("system:masters is never refused")
			.isTrue();

		body.write("\"metadata\":{\"name\":\"slow\"}}".getBytes(StandardCharsets.UTF_8));
		body.close();
		assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
		// The gateway frees the slot a moment after the client has the slow answer (a
		// CI run saw one more 429 here): a client retries as Retry-After says.
		HttpResponse<String> after = await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> send(post("limited-token", HttpRequest.BodyPublishers.ofString(configMap("after")))),
					(response) -> response.statusCode() != 429);
		assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
		assertThat(cluster.gateway()
			.getBean(MeterRegistry.class)
			.get("stevedore.gateway.rejected.requests")
			.tag("reason", "inflight")
			.tag("request_kind", "mutating")
			.counter()
			.count()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void openWatchesDoNotCountAgainstTheReadOnlyCap() throws Exception {
		List<CompletableFuture<HttpResponse<InputStream>>> watches = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			watches.add(http.sendAsync(get("limited-token", "/api/v1/namespaces/default/configmaps?watch=true"),
					HttpResponse.BodyHandlers.ofInputStream()));
		}
		try {
			for (CompletableFuture<HttpResponse<InputStream>> watch : watches) {
				assertThat(watch.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
			assertThat(send(get("limited-token", "/api/v1/namespaces/default/configmaps")).statusCode()).isEqualTo(200);
		}
		finally {
			for (CompletableFuture<HttpResponse<InputStream>> watch : watches) {
				watch.thenAccept((response) -> {
					try {
						response.body().close();
					}
					catch (java.io.IOException ex) {
						// closing only
					}
				});
			}
		}
	}

	@Test
	void aUserOverItsRateIsRefusedWhileAnotherUserIsNot() throws Exception {
		int refused = 0;
		for (int i = 0; i < 80; i++) {
			HttpResponse<String> response = send(get("bursty-token", "/api/v1/namespaces/default/configmaps"));
			if (response.statusCode() == 429) {
				refused++;
				assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
			}
			else {
				assertThat(response.statusCode()).isEqualTo(200);
			}
		}
		assertThat(refused).isGreaterThan(0);
		assertThat(send(get("limited-token", "/api/v1/namespaces/default/configmaps")).statusCode()).isEqualTo(200);
	}

	/**
	 * The gateway's own request metrics are kube-apiserver's (in flight, refused); the
	 * per-request observations of WebFlux and Spring Cloud Gateway are off, as they cost
	 * every proxied request CPU for series nothing reads.
	 */
	@Test
	void proxiedRequestsAreNotObservedPerRequest() throws Exception {
		assertThat(send(get("limited-token", "/api/v1/namespaces/default/configmaps")).statusCode()).isEqualTo(200);
		MeterRegistry registry = cluster.gateway().getBean(MeterRegistry.class);
		assertThat(registry.find("apiserver.current.inflight.requests").gauges()).isNotEmpty();
		assertThat(registry.find("http.server.requests").meters()).extracting((meter) -> meter.getId().toString())
			.isEmpty();
		assertThat(registry.find("spring.cloud.gateway.requests").meters())
			.extracting((meter) -> meter.getId().toString())
			.isEmpty();
	}

	private static String configMap(String name) {
		return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}";
	}

	private static HttpRequest get(String token, String path) {
		return HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
			.header("Authorization", "Bearer " + token)
			.build();
	}

	private static HttpRequest post(String token, HttpRequest.BodyPublisher body) {
		return HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + "/api/v1/namespaces/default/configmaps"))
			.header("Authorization", "Bearer " + token)
			.header("Content-Type", "application/json")
			.POST(body)
			.build();
	}

	private static HttpResponse<String> send(HttpRequest request) throws Exception {
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static HttpClient client() throws Exception {
		KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
		trust.load(null, null);
		trust.setCertificateEntry("ca", Pem.readCertificate(cluster.stateDir().resolve("ca.crt")));
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, factory.getTrustManagers(), null);
		return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
	}

}
