package io.stevedore.gateway.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.status.StatusResponses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class AuditFilterTest {

	private static final UserInfo JANE = UserInfo.of("jane", List.of("system:authenticated"));

	@TempDir
	Path dir;

	private List<JsonNode> run(String policyYaml, MockServerHttpRequest request, String requestBody,
			String responseBody) throws Exception {
		Path file = this.dir.resolve("audit.log");
		try (AuditLog log = new AuditLog(file)) {
			AuditFilter filter = new AuditFilter(log, AuditPolicyTest.policy(policyYaml),
					Clock.fixed(Instant.parse("2026-12-04T22:00:00Z"), ZoneOffset.UTC));
			MockServerWebExchange exchange = MockServerWebExchange.from(request);
			exchange.getAttributes().put(AuthenticationFilter.USER, JANE);
			JsonNode answer = StatusResponses.JSON.readTree(responseBody);
			WebFilterChain upstream = (observed) -> observed.getRequest()
				.getBody()
				.then(Mono.defer(() -> StatusResponses.writeJson(observed.getResponse(), HttpStatus.CREATED, answer)));
			filter.filter(exchange, upstream).block();
			assertThat(exchange.getResponse().getHeaders().getFirst("Audit-Id")).isNotBlank();
			log.flush();
			List<JsonNode> events = new ArrayList<>();
			for (String line : Files.readAllLines(file)) {
				JsonNode event = StatusResponses.JSON.readTree(line);
				assertThat(event.path("auditID").asText())
					.isEqualTo(exchange.getResponse().getHeaders().getFirst("Audit-Id"));
				events.add(event);
			}
			return events;
		}
	}

	private static MockServerHttpRequest post(String path, String body) {
		return MockServerHttpRequest.post(path).contentType(MediaType.APPLICATION_JSON).body(body);
	}

	@Test
	void requestResponseLevelLogsBothBodiesAsObjectsWithoutManagedFields() throws Exception {
		String body = "{\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"robot\",\"managedFields\":[{}]}}";
		List<JsonNode> events = run("omitManagedFields: true\nrules:\n- level: RequestResponse\n",
				post("/api/v1/namespaces/a/serviceaccounts", body), body, body);
		assertThat(events).extracting((event) -> event.path("stage").asText())
			.containsExactly("RequestReceived", "ResponseComplete");
		JsonNode complete = events.get(1);
		assertThat(complete.path("level").asText()).isEqualTo("RequestResponse");
		assertThat(complete.path("verb").asText()).isEqualTo("create");
		assertThat(complete.path("responseStatus").path("code").asInt()).isEqualTo(201);
		assertThat(complete.path("requestObject").path("metadata").path("name").asText()).isEqualTo("robot");
		assertThat(complete.path("requestObject").path("metadata").has("managedFields")).isFalse();
		assertThat(complete.path("responseObject").path("kind").asText()).isEqualTo("ServiceAccount");
		assertThat(events.get(0).has("requestObject")).isFalse();
	}

	@Test
	void requestLevelLogsTheRequestBodyOnly() throws Exception {
		String body = "{\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"robot\"}}";
		List<JsonNode> events = run("omitStages: [RequestReceived]\nrules:\n- level: Request\n",
				post("/api/v1/namespaces/a/serviceaccounts", body), body, body);
		assertThat(events).hasSize(1);
		assertThat(events.get(0).has("requestObject")).isTrue();
		assertThat(events.get(0).has("responseObject")).isFalse();
	}

	@Test
	void aSecretsBodyIsNeverWrittenEvenAtRequestResponse() throws Exception {
		String body = "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"data\":{\"password\":\"aHVudGVyMg==\"}}";
		List<JsonNode> events = run("rules:\n- level: RequestResponse\n", post("/api/v1/namespaces/a/secrets", body),
				body, body);
		assertThat(events).isNotEmpty().allSatisfy((event) -> {
			assertThat(event.path("level").asText()).isEqualTo("Metadata");
			assertThat(event.toString()).doesNotContain("aHVudGVyMg==");
		});
	}

	@Test
	void aLongRunningRequestGetsAResponseStartedEvent() throws Exception {
		List<JsonNode> events = run("omitStages: [RequestReceived]\nrules:\n- level: Metadata\n",
				MockServerHttpRequest.get("/api/v1/namespaces/a/pods?watch=true").build(), "", "{}");
		assertThat(events).extracting((event) -> event.path("stage").asText())
			.containsExactly("ResponseStarted", "ResponseComplete");
		assertThat(events.get(0).path("verb").asText()).isEqualTo("watch");
	}

	@Test
	void levelNoneWritesNothingButStillSetsTheAuditId() throws Exception {
		assertThat(run("rules:\n- level: None\n", MockServerHttpRequest.get("/api/v1/pods").build(), "", "{}"))
			.isEmpty();
	}

}
