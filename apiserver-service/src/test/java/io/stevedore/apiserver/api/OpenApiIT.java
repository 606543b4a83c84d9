package io.stevedore.apiserver.api;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI documents over HTTP carry Kubernetes' descriptions, keep their ETag, offer
 * /openapi/v2 as JSON or protobuf, and the real kubectl explain prints the texts from
 * either (OpenAPI v3, and v2 with --output=plaintext-openapiv2).
 */
class OpenApiIT extends EmbeddedApiServer {

	static final String PROTOBUF_V2 = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

	@TempDir
	Path dir;

	@Test
	void kubectlExplainPrintsKubernetesFieldDescriptions() {
		Kubectl kubectl = Kubectl.forKubeconfig(
				Kubeconfig.write(this.dir.resolve("kubeconfig"), api().uri("").toString()), this.dir.resolve("home"));

		String strategy = oneLine(kubectl.run("explain", "deployment.spec.strategy").requireSuccess().stdout());
		assertThat(strategy).contains("FIELD: strategy <DeploymentStrategy>")
			.contains("DESCRIPTION: The deployment strategy to use to replace existing pods with new ones. "
					+ "DeploymentStrategy describes how to replace existing pods with new ones.")
			.contains("rollingUpdate <RollingUpdateDeployment> Rolling update config params. "
					+ "Present only if DeploymentStrategyType = RollingUpdate.")
			.contains("type <string> enum: Recreate, RollingUpdate Type of deployment.")
			.contains("Possible enum values: - `\"Recreate\"` Kill all existing pods before creating new ones.");
		String image = oneLine(kubectl.run("explain", "pods.spec.containers.image").requireSuccess().stdout());
		assertThat(image).contains("FIELD: image <string>").contains("DESCRIPTION: Container image name.");
		String maxSurge = oneLine(
				kubectl.run("explain", "deployment.spec.strategy.rollingUpdate.maxSurge").requireSuccess().stdout());
		assertThat(maxSurge).contains("FIELD: maxSurge <IntOrString>")
			.contains("The maximum number of pods that can be scheduled above the desired number of pods.");
		assertThat(oneLine(kubectl.run("explain", "pods.spec.containers.resources").requireSuccess().stdout()))
			.contains("limits <map[string]Quantity> Limits describes the maximum amount of compute resources allowed.");
		assertThat(oneLine(kubectl.run("explain", "pods").requireSuccess().stdout()))
			.contains("DESCRIPTION: Pod is a collection of containers that can run on a host.");

		// the Swagger 2 path: kubectl asks /openapi/v2 as protobuf only
		String v2 = oneLine(kubectl.run("explain", "deployment.spec.strategy", "--output=plaintext-openapiv2")
			.requireSuccess()
			.stdout());
		assertThat(v2).contains("RESOURCE: strategy <Object>")
			.contains("DESCRIPTION: The deployment strategy to use to replace existing pods with new ones. "
					+ "DeploymentStrategy describes how to replace existing pods with new ones.")
			.contains("rollingUpdate <Object> Rolling update config params.")
			.contains("type <string> Type of deployment.");
		assertThat(oneLine(kubectl.run("explain", "pods.spec.containers.image", "--output=plaintext-openapiv2")
			.requireSuccess()
			.stdout())).contains("FIELD: image <string>").contains("DESCRIPTION: Container image name.");
	}

	@Test
	void documentsKeepTheirEtagAndContentNegotiation() throws Exception {
		HttpApi api = api();
		HttpApi.Answer v2 = api.get("/openapi/v2", "application/json");
		assertThat(v2.code()).isEqualTo(200);
		assertThat(v2.raw().headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(v2.json().at("/definitions/io.k8s.api.apps.v1.DeploymentStrategy/description").asText())
			.isEqualTo("DeploymentStrategy describes how to replace existing pods with new ones.");
		String etag = v2.raw().headers().firstValue("ETag").orElseThrow();
		assertThat(conditional(api, "/openapi/v2", etag).statusCode()).isEqualTo(304);
		assertThat(api.get("/openapi/v2").raw().headers().firstValue("ETag")).hasValue(etag);

		String apps = api.get("/openapi/v3").json().at("/paths/apis~1apps~1v1/serverRelativeURL").asText();
		assertThat(apps).startsWith("/openapi/v3/apis/apps/v1?hash=");
		HttpApi.Answer v3 = api.get(apps, "application/json");
		JsonNode strategy = v3.json().at("/components/schemas/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy");
		assertThat(strategy.get("description").asText())
			.isEqualTo("The deployment strategy to use to replace existing pods with new ones.");
		assertThat(strategy.at("/allOf/0/$ref").asText())
			.isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
		assertThat(conditional(api, apps, v3.raw().headers().firstValue("ETag").orElseThrow()).statusCode())
			.isEqualTo(304);

		assertThat(etag).matches("\"[0-9A-F]{32}\"");

		// v2 also as gnostic's protobuf Document, under a Content-Type client-go can
		// parse;
		// v3 only as JSON
		HttpResponse<byte[]> protobuf = api.client()
			.send(HttpRequest.newBuilder(api.uri("/openapi/v2")).header("Accept", PROTOBUF_V2).GET().build(),
					HttpResponse.BodyHandlers.ofByteArray());
		assertThat(protobuf.statusCode()).isEqualTo(200);
		assertThat(protobuf.headers().firstValue("Content-Type"))
			.hasValue("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
		assertThat(protobuf.body()).hasSizeGreaterThan(100_000);
		String protobufEtag = protobuf.headers().firstValue("ETag").orElseThrow();
		assertThat(protobufEtag).isNotEqualTo(etag);
		assertThat(api.client()
			.send(HttpRequest.newBuilder(api.uri("/openapi/v2"))
				.header("Accept", PROTOBUF_V2)
				.header("If-None-Match", protobufEtag)
				.GET()
				.build(), HttpResponse.BodyHandlers.ofByteArray())
			.statusCode()).isEqualTo(304);
		assertThat(api.get("/openapi/v2", PROTOBUF_V2 + ";q=0.5, application/json").raw().headers().firstValue("ETag"))
			.hasValue(etag);
		HttpApi.Answer refused = api.get(apps, PROTOBUF_V2);
		assertThat(refused.code()).isEqualTo(406);
		assertThat(refused.json().get("kind").asText()).isEqualTo("Status");
	}

	static HttpResponse<byte[]> conditional(HttpApi api, String path, String etag) throws Exception {
		return api.client()
			.send(HttpRequest.newBuilder(api.uri(path)).header("If-None-Match", etag).GET().build(),
					HttpResponse.BodyHandlers.ofByteArray());
	}

	/** kubectl wraps descriptions at 80 columns: compare them as one line. */
	static String oneLine(String text) {
		return text.replaceAll("\\s+", " ");
	}

}
