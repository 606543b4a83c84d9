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
 * The OpenAPI documents over HTTP carry Kubernetes' descriptions, keep their ETag and
 * content negotiation, and the real kubectl explain prints the texts.
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
					+ "Present only if DeploymentStrategyType = RollingUpdate.");
		String image = oneLine(kubectl.run("explain", "pods.spec.containers.image").requireSuccess().stdout());
		assertThat(image).contains("FIELD: image <string>").contains("DESCRIPTION: Container image name.");
		String maxSurge = oneLine(
				kubectl.run("explain", "deployment.spec.strategy.rollingUpdate.maxSurge").requireSuccess().stdout());
		assertThat(maxSurge).contains("FIELD: maxSurge")
			.contains("The maximum number of pods that can be scheduled above the desired number of pods.");
		assertThat(oneLine(kubectl.run("explain", "pods").requireSuccess().stdout()))
			.contains("DESCRIPTION: Pod is a collection of containers that can run on a host.");
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

		// only JSON is served: a protobuf-only Accept gets 406, one that also accepts
		// JSON
		// gets JSON
		HttpApi.Answer protobuf = api.get("/openapi/v2", PROTOBUF_V2);
		assertThat(protobuf.code()).isEqualTo(406);
		assertThat(protobuf.json().get("kind").asText()).isEqualTo("Status");
		assertThat(api.get("/openapi/v2", PROTOBUF_V2 + ", application/json").raw().headers().firstValue("ETag"))
			.hasValue(etag);
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
