package io.stevedore.client.events;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sink's requests as an apiserver on loopback sees them: a create, then merge patches
 * of the count with no read before them (a node may not get events).
 */
class EventSinkTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	private record Request(String method, String path, String contentType, String body) {
	}

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	/** The status the next PATCH answers with. */
	private final AtomicInteger patchStatus = new AtomicInteger(200);

	private HttpServer server;

	private KubernetesClient client;

	private EventSink sink;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/", this::answer);
		this.server.start();
		// From an empty Config: fabric8 would otherwise read the machine's kubeconfig.
		this.client = new KubernetesClientBuilder()
			.withConfig(new ConfigBuilder(Config.empty())
				.withMasterUrl("http://127.0.0.1:" + this.server.getAddress().getPort())
				.withRequestRetryBackoffLimit(0)
				.build())
			.build();
		Clock clock = Clock.fixed(Instant.parse("2026-12-07T05:00:00Z"), ZoneOffset.UTC);
		// Run each write on the recording thread: the requests arrive in a known order.
		this.sink = new EventSink(this.client, clock, Runnable::run);
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.server.stop(0);
	}

	@Test
	void aRepeatedEventIsCreatedOnceThenItsCountPatchedWithoutAReadFirst() throws Exception {
		this.sink.record(backOff());
		this.sink.record(backOff());
		this.sink.record(backOff());

		assertThat(this.requests).extracting(Request::method).containsExactly("POST", "PATCH", "PATCH");
		assertThat(this.requests.get(0).path()).isEqualTo("/api/v1/namespaces/team-a/events");
		Request second = this.requests.get(1);
		assertThat(second.path()).isEqualTo("/api/v1/namespaces/team-a/events/web-0.187a");
		assertThat(second.contentType()).startsWith("application/merge-patch+json");
		JsonNode patch = JSON.readTree(second.body());
		assertThat(patch.path("count").asInt()).isEqualTo(2);
		assertThat(patch.path("message").asText()).isEqualTo("Back-off restarting failed container");
		assertThat(JSON.readTree(this.requests.get(2).body()).path("count").asInt()).isEqualTo(3);
	}

	@Test
	void aCountPatchOfAnEventGoneFromTheApiserverRecordsItAnew() {
		this.sink.record(backOff());
		this.patchStatus.set(404);
		this.sink.record(backOff());

		assertThat(this.requests).extracting(Request::method).containsExactly("POST", "PATCH", "POST");
		assertThat(this.requests.get(2).body()).contains("\"count\":2");
	}

	@Test
	void aRefusedPatchIsNotRetriedAsACreate() {
		this.sink.record(backOff());
		this.patchStatus.set(403);
		this.sink.record(backOff());

		assertThat(this.requests).extracting(Request::method).containsExactly("POST", "PATCH");
	}

	private static Event backOff() {
		return new EventBuilder().withNewMetadata()
			.withNamespace("team-a")
			.withName("web-0.187a")
			.endMetadata()
			.withNewInvolvedObject()
			.withKind("Pod")
			.withNamespace("team-a")
			.withName("web-0")
			.withUid("u1")
			.endInvolvedObject()
			.withType("Warning")
			.withReason("BackOff")
			.withMessage("Back-off restarting failed container")
			.withNewSource("kubelet", "n1")
			.withCount(1)
			.withFirstTimestamp("2026-12-07T05:00:00Z")
			.withLastTimestamp("2026-12-07T05:00:00Z")
			.build();
	}

	private void answer(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String method = exchange.getRequestMethod();
		this.requests.add(new Request(method, exchange.getRequestURI().getPath(),
				exchange.getRequestHeaders().getFirst("Content-Type"), body));
		int status = "PATCH".equals(method) ? this.patchStatus.get() : "POST".equals(method) ? 201 : 405;
		byte[] answer = (status < 300 ? body : "{\"kind\":\"Status\",\"code\":" + status + "}")
			.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, answer.length);
		exchange.getResponseBody().write(answer);
		exchange.close();
	}

}
