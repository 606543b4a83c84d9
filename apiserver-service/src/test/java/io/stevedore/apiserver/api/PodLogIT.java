package io.stevedore.apiserver.api;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pods/{name}/log} over real HTTP: Kubernetes' validation errors as Status objects
 * naming the field, and the proxying to the node's kubelet endpoint, played here by a
 * small HTTP server standing in for the node agent.
 */
class PodLogIT extends EmbeddedApiServer {

	HttpApi api;

	String ns;

	HttpServer agent;

	final List<String> agentRequests = new ArrayList<>();

	@BeforeEach
	void setUp() throws IOException {
		this.api = api();
		this.ns = "t" + Long.toHexString(System.nanoTime());
		assertThat(
				this.api
					.post("/api/v1/namespaces",
							"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + this.ns
									+ "\"}}")
					.code())
			.isEqualTo(201);
		this.agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.agent.createContext("/containerLogs/", exchange -> {
			this.agentRequests.add(exchange.getRequestURI().toString());
			boolean missing = exchange.getRequestURI().getQuery() != null
					&& exchange.getRequestURI().getQuery().contains("previous=true");
			byte[] body = (missing ? "previous terminated container \"main\" in pod \"one\" not found"
					: "line 1\nline 2\n")
				.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(missing ? 400 : 200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		this.agent.start();
		String node = "log-node-" + this.ns;
		assertThat(this.api
			.post("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + node + "\"}}")
			.code()).isEqualTo(201);
		assertThat(this.api
			.send("/api/v1/nodes/" + node + "/status", "PATCH", "application/merge-patch+json",
					"{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"127.0.0.1\"}],"
							+ "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":" + this.agent.getAddress().getPort()
							+ "}}}}")
			.code()).isEqualTo(200);
		pod("one", node, "main");
		pod("two", node, "app", "sidecar");
		pod("pending", null, "main");
	}

	@AfterEach
	void stopAgent() {
		this.agent.stop(0);
	}

	@Test
	void theLogIsProxiedFromTheNodesKubeletEndpointWithTheQuery() {
		HttpApi.Answer answer = this.api.get(log("one") + "?tailLines=5&timestamps=true&follow=true");
		assertThat(answer.code()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("line 1\nline 2\n");
		assertThat(this.agentRequests)
			.containsExactly("/containerLogs/" + this.ns + "/one/main?follow=true&timestamps=true&tailLines=5");
		assertThat(this.api.get(log("two") + "?container=sidecar").code()).isEqualTo(200);
		assertThat(this.agentRequests).last().isEqualTo("/containerLogs/" + this.ns + "/two/sidecar");
	}

	@Test
	void aPodWithSeveralContainersNeedsOneNamedWithKubernetesMessage() {
		HttpApi.Answer answer = this.api.get(log("two"));
		assertThat(answer.code()).isEqualTo(400);
		assertThat(answer.reason()).isEqualTo("BadRequest");
		assertThat(answer.message())
			.isEqualTo("a container name must be specified for pod two, choose one of: [init app sidecar]");
		HttpApi.Answer unknown = this.api.get(log("two") + "?container=nope");
		assertThat(unknown.code()).isEqualTo(400);
		assertThat(unknown.message()).isEqualTo("container nope is not valid for pod two");
		assertThat(this.agentRequests).isEmpty();
	}

	@Test
	void badOptionsAreInvalidPodLogOptionsNamingTheField() {
		HttpApi.Answer tail = this.api.get(log("one") + "?tailLines=-1");
		assertThat(tail.code()).isEqualTo(422);
		assertThat(tail.reason()).isEqualTo("Invalid");
		assertThat(tail.json().at("/details/kind").asText()).isEqualTo("PodLogOptions");
		assertThat(tail.json().at("/details/causes/0/field").asText()).isEqualTo("tailLines");
		assertThat(tail.json().at("/details/causes/0/message").asText()).contains("must be greater than or equal to 0");
		HttpApi.Answer limit = this.api.get(log("one") + "?limitBytes=0");
		assertThat(limit.json().at("/details/causes/0/field").asText()).isEqualTo("limitBytes");
		HttpApi.Answer since = this.api.get(log("one") + "?sinceSeconds=0");
		assertThat(since.json().at("/details/causes/0/field").asText()).isEqualTo("sinceSeconds");
		HttpApi.Answer both = this.api.get(log("one") + "?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z");
		assertThat(both.code()).isEqualTo(422);
		assertThat(both.message()).contains("at most one of `sinceTime` or `sinceSeconds` may be specified");
		assertThat(this.api.get(log("one") + "?tailLines=ten").code()).isEqualTo(400);
		assertThat(this.agentRequests).isEmpty();
	}

	@Test
	void aMissingPodAnUnscheduledPodAndTheAgentsOwnErrorsAreStatuses() {
		HttpApi.Answer missing = this.api.get(log("ghost"));
		assertThat(missing.code()).isEqualTo(404);
		assertThat(missing.reason()).isEqualTo("NotFound");
		HttpApi.Answer pending = this.api.get(log("pending"));
		assertThat(pending.code()).isEqualTo(400);
		assertThat(pending.message()).isEqualTo("pod pending does not have a host assigned");
		HttpApi.Answer previous = this.api.get(log("one") + "?previous=true");
		assertThat(previous.code()).isEqualTo(400);
		assertThat(previous.message()).isEqualTo("previous terminated container \"main\" in pod \"one\" not found");
		assertThat(this.api.send(log("one"), "POST", "application/json", "{}").code()).isEqualTo(405);
	}

	private String log(String pod) {
		return "/api/v1/namespaces/" + this.ns + "/pods/" + pod + "/log";
	}

	private void pod(String name, String node, String... containers) {
		StringBuilder spec = new StringBuilder("{");
		if (node != null) {
			spec.append("\"nodeName\":\"").append(node).append("\",");
		}
		if (containers.length > 1) {
			spec.append("\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}],");
		}
		spec.append("\"containers\":[");
		for (int i = 0; i < containers.length; i++) {
			spec.append(i == 0 ? "" : ",")
				.append("{\"name\":\"")
				.append(containers[i])
				.append("\",\"image\":\"busybox\"}");
		}
		spec.append("]}");
		HttpApi.Answer created = this.api.post("/api/v1/namespaces/" + this.ns + "/pods",
				"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec
						+ "}");
		assertThat(created.code()).as(created.body()).isEqualTo(201);
	}

}
