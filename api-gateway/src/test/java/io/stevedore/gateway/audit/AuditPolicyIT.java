package io.stevedore.gateway.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.gateway.status.StatusResponses;
import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.testsupport.kubectl.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real gateway and apiserver with an audit Policy file, driven by the real kubectl:
 * each request's ResponseComplete event has the level its first matching rule gives,
 * bodies appear only at Request and RequestResponse, a watch has a ResponseStarted event,
 * and a Secret's data never reaches the log although a rule asks for RequestResponse.
 */
class AuditPolicyIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void start() throws Exception {
		Path policy = Files.writeString(directory.resolve("policy.yaml"), """
				apiVersion: audit.k8s.io/v1
				kind: Policy
				omitStages: [RequestReceived]
				omitManagedFields: true
				rules:
				- level: None
				  nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/openapi/*", "/version"]
				- level: RequestResponse
				  resources: [{group: "", resources: [secrets]}]
				- level: RequestResponse
				  verbs: [get]
				  resources: [{group: "", resources: [serviceaccounts], resourceNames: [robot]}]
				- level: Request
				  verbs: [create]
				  resources: [{group: ""}]
				- level: None
				  resources: [{group: rbac.authorization.k8s.io}]
				- level: Metadata
				""");
		cluster = GatewayCluster.start(directory, "--stevedore.gateway.audit.policy-file=" + policy);
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		await().atMost(Duration.ofSeconds(30)).until(() -> admin.run("get", "namespace", "default").succeeded());
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	private static List<JsonNode> events() throws Exception {
		List<JsonNode> events = new ArrayList<>();
		for (String line : Files.readAllLines(directory.resolve("audit.log"))) {
			events.add(StatusResponses.JSON.readTree(line));
		}
		return events;
	}

	/**
	 * The first ResponseComplete event of that request (kubectl delete GETs the object
	 * again afterwards, waiting for its 404).
	 */
	private static JsonNode complete(String verb, String resource, String name) throws Exception {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> events().stream()
				.filter((event) -> event.path("stage").asText().equals("ResponseComplete")
						&& event.path("verb").asText().equals(verb)
						&& event.path("objectRef").path("resource").asText().equals(resource)
						&& event.path("objectRef").path("name").asText().equals(name))
				.findFirst()
				.orElse(null), (event) -> event != null);
	}

	@Test
	void createGetAndDeleteAreLoggedAtTheLevelOfTheirFirstMatchingRule() throws Exception {
		admin.run("create", "serviceaccount", "robot", "-n", "default").requireSuccess();
		// -o json: the object itself, not the Table kubectl asks for by default
		admin.run("get", "serviceaccount", "robot", "-n", "default", "-o", "json").requireSuccess();
		admin.run("delete", "serviceaccount", "robot", "-n", "default").requireSuccess();

		JsonNode created = await().atMost(Duration.ofSeconds(10))
			.until(() -> events().stream()
				.filter((event) -> event.path("verb").asText().equals("create")
						&& event.path("objectRef").path("resource").asText().equals("serviceaccounts"))
				.findFirst()
				.orElse(null), (event) -> event != null);
		assertThat(created.path("level").asText()).isEqualTo("Request");
		assertThat(created.path("stage").asText()).isEqualTo("ResponseComplete");
		assertThat(created.path("responseStatus").path("code").asInt()).isEqualTo(201);
		assertThat(created.path("requestObject").path("metadata").path("name").asText()).isEqualTo("robot");
		assertThat(created.has("responseObject")).isFalse();
		assertThat(created.path("user").path("username").asText()).isEqualTo("admin");
		assertThat(created.path("annotations").path("authorization.k8s.io/decision").asText()).isEqualTo("allow");

		JsonNode read = complete("get", "serviceaccounts", "robot");
		assertThat(read.path("level").asText()).as(read.toString()).isEqualTo("RequestResponse");
		assertThat(read.path("responseObject").path("metadata").path("name").asText()).as(read.toString())
			.isEqualTo("robot");
		assertThat(read.path("responseObject").path("metadata").has("managedFields")).isFalse();

		JsonNode deleted = complete("delete", "serviceaccounts", "robot");
		assertThat(deleted.path("level").asText()).isEqualTo("Metadata");
		assertThat(deleted.has("requestObject")).isFalse();
		assertThat(deleted.has("responseObject")).isFalse();

		assertThat(events()).noneMatch((event) -> event.path("stage").asText().equals("RequestReceived"))
			.noneMatch((event) -> event.path("requestURI").asText().equals("/api"))
			.noneMatch(
					(event) -> event.path("objectRef").path("apiGroup").asText().equals("rbac.authorization.k8s.io"));
	}

	@Test
	void aSecretsDataNeverReachesTheLogThoughItsRuleSaysRequestResponse() throws Exception {
		String plaintext = "s3cr3t-" + System.nanoTime();
		admin.run("create", "secret", "generic", "db", "--from-literal=password=" + plaintext, "-n", "default")
			.requireSuccess();
		admin.run("get", "secret", "db", "-n", "default", "-o", "yaml").requireSuccess();
		admin.run("delete", "secret", "db", "-n", "default").requireSuccess();
		JsonNode created = await().atMost(Duration.ofSeconds(10))
			.until(() -> events().stream()
				.filter((event) -> event.path("verb").asText().equals("create")
						&& event.path("objectRef").path("resource").asText().equals("secrets"))
				.findFirst()
				.orElse(null), (event) -> event != null);
		assertThat(created.path("level").asText()).isEqualTo("Metadata");
		assertThat(complete("get", "secrets", "db").path("level").asText()).isEqualTo("Metadata");
		complete("delete", "secrets", "db");
		String log = Files.readString(directory.resolve("audit.log"));
		assertThat(log).doesNotContain(plaintext)
			.doesNotContain(Base64.getEncoder().encodeToString(plaintext.getBytes()));
	}

	@Test
	void aWatchIsLoggedWhenItsResponseStartsAndAgainWhenItEnds() throws Exception {
		admin.run("get", "pods", "-n", "default", "--watch", "--request-timeout=2s");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<String> stages = events().stream()
				.filter((event) -> event.path("verb").asText().equals("watch")
						&& event.path("objectRef").path("resource").asText().equals("pods"))
				.map((event) -> event.path("stage").asText())
				.toList();
			assertThat(stages).contains("ResponseStarted", "ResponseComplete");
		});
	}

}
