package io.stevedore.apiserver.bootstrap;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.stevedore.apiserver.ApiServerApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * default/kubernetes: created at start with the CIDR's first address, its endpoints
 * following stevedore.apiserver.kubernetes-service-endpoint across restarts; the address
 * stays out of reach of other Services.
 */
class KubernetesServiceIT {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@Test
	void theServiceAndItsEndpointsFollowTheConfiguredAddress() throws Exception {
		Path data = this.dir.resolve("data");
		try (ConfigurableApplicationContext apiserver = start(data, "172.30.0.1:6443")) {
			String base = base(apiserver);
			JsonNode service = get(base, "/api/v1/namespaces/default/services/kubernetes");
			assertThat(service.at("/spec/clusterIP").asText()).isEqualTo("10.96.0.1");
			assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(443);
			assertThat(service.at("/spec/ports/0/name").asText()).isEqualTo("https");
			assertThat(service.at("/spec/ports/0/targetPort").asInt()).isEqualTo(6443);
			assertThat(service.at("/spec/selector").isMissingNode()).isTrue();
			assertThat(get(base, "/api/v1/namespaces/default/endpoints/kubernetes").at("/subsets/0/addresses/0/ip")
				.asText()).isEqualTo("172.30.0.1");
			JsonNode slice = get(base, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes");
			assertThat(slice.at("/endpoints/0/addresses/0").asText()).isEqualTo("172.30.0.1");
			assertThat(slice.at("/ports/0/port").asInt()).isEqualTo(6443);
			assertThat(slice.at("/metadata/labels/kubernetes.io~1service-name").asText()).isEqualTo("kubernetes");

			HttpResponse<String> stolen = post(base, "/api/v1/namespaces/default/services",
					"{\"metadata\":{\"name\":\"thief\"},\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":1}]}}");
			assertThat(stolen.statusCode()).isEqualTo(422);
			assertThat(stolen.body()).contains("spec.clusterIPs").contains("not in the valid range");
			HttpResponse<String> elsewhere = post(base, "/api/v1/namespaces/kube-system/services",
					"{\"metadata\":{\"name\":\"kubernetes\"},\"spec\":{\"clusterIP\":\"10.96.0.1\",\"ports\":[{\"port\":1}]}}");
			assertThat(elsewhere.statusCode()).isEqualTo(422);
		}
		try (ConfigurableApplicationContext restarted = start(data, "172.30.0.9:7443")) {
			String base = base(restarted);
			assertThat(get(base, "/api/v1/namespaces/default/endpoints/kubernetes").at("/subsets/0/addresses/0/ip")
				.asText()).isEqualTo("172.30.0.9");
			assertThat(get(base, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes")
				.at("/ports/0/port")
				.asInt()).isEqualTo(7443);
			assertThat(get(base, "/api/v1/namespaces/default/services/kubernetes").at("/spec/clusterIP").asText())
				.isEqualTo("10.96.0.1");
		}
	}

	@Test
	void withoutAnAddressTheServiceHasNoEndpointsAndABadAddressStopsTheStart() throws Exception {
		try (ConfigurableApplicationContext apiserver = start(this.dir.resolve("plain"), "")) {
			String base = base(apiserver);
			assertThat(get(base, "/api/v1/namespaces/default/services/kubernetes").at("/spec/clusterIP").asText())
				.isEqualTo("10.96.0.1");
			assertThat(send(base, "/api/v1/namespaces/default/endpoints/kubernetes").statusCode()).isEqualTo(404);
		}
		assertThatThrownBy(() -> start(this.dir.resolve("bad"), "gateway:6443"))
			.hasStackTraceContaining("stevedore.apiserver.kubernetes-service-endpoint must be IPv4:PORT");
	}

	private static ConfigurableApplicationContext start(Path data, String endpoint) {
		return new SpringApplicationBuilder(ApiServerApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--stevedore.storage.url=", "--stevedore.storage.embedded-dir=" + data,
				"--stevedore.apiserver.kubernetes-service-endpoint=" + endpoint);
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port");
	}

	private JsonNode get(String base, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = send(base, path);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> send(String base, String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String base, String path, String body) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
