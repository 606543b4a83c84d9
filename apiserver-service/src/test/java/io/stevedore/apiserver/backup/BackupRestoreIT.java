package io.stevedore.apiserver.backup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * A backup taken from a running apiserver restores into a new one with the same objects
 * (uids, Service IPs and their allocations); a restore into a store with data, or from a
 * broken file, stops the start and writes nothing.
 */
class BackupRestoreIT {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@Test
	void aBackupRestoresIntoANewApiserverWithTheSameObjectsAndAllocations() throws Exception {
		Path backup = this.dir.resolve("cluster.backup");
		String configMapUid;
		String clusterIp;
		try (ConfigurableApplicationContext source = start(this.dir.resolve("source"), null)) {
			String base = base(source);
			assertThat(send(base, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"shop\"}}").statusCode())
				.isEqualTo(201);
			configMapUid = json(send(base, "POST", "/api/v1/namespaces/shop/configmaps",
					"{\"metadata\":{\"name\":\"settings\"},\"data\":{\"color\":\"blue\"}}"))
				.at("/metadata/uid")
				.asText();
			clusterIp = json(send(base, "POST", "/api/v1/namespaces/shop/services",
					"{\"metadata\":{\"name\":\"web\"},\"spec\":{\"ports\":[{\"port\":80}]}}"))
				.at("/spec/clusterIP")
				.asText();
			HttpResponse<byte[]> answer = this.http.send(
					HttpRequest.newBuilder(URI.create(base + "/stevedore/backup")).build(),
					HttpResponse.BodyHandlers.ofByteArray());
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(answer.headers().firstValue("X-Stevedore-Revision")).isPresent();
			Files.write(backup, answer.body());
		}

		try (ConfigurableApplicationContext restored = start(this.dir.resolve("restored"), backup)) {
			String base = base(restored);
			JsonNode configMap = json(send(base, "GET", "/api/v1/namespaces/shop/configmaps/settings", null));
			assertThat(configMap.at("/metadata/uid").asText()).isEqualTo(configMapUid);
			assertThat(configMap.at("/data/color").asText()).isEqualTo("blue");
			assertThat(json(send(base, "GET", "/api/v1/namespaces/shop/services/web", null)).at("/spec/clusterIP")
				.asText()).isEqualTo(clusterIp);
			// The allocation came back too: the same IP cannot be handed out twice.
			HttpResponse<String> taken = send(base, "POST", "/api/v1/namespaces/shop/services",
					"{\"metadata\":{\"name\":\"other\"},\"spec\":{\"clusterIP\":\"" + clusterIp
							+ "\",\"ports\":[{\"port\":80}]}}");
			assertThat(taken.statusCode()).isEqualTo(422);
			assertThat(taken.body()).contains("spec.clusterIPs").contains("already allocated");
		}
	}

	@Test
	void aRestoreIntoAStoreWithDataStopsTheStartAndKeepsTheData() throws Exception {
		Path backup = this.dir.resolve("small.backup");
		Path data = this.dir.resolve("data");
		try (ConfigurableApplicationContext source = start(this.dir.resolve("other"), null)) {
			Files.write(backup,
					this.http
						.send(HttpRequest.newBuilder(URI.create(base(source) + "/stevedore/backup")).build(),
								HttpResponse.BodyHandlers.ofByteArray())
						.body());
		}
		try (ConfigurableApplicationContext existing = start(data, null)) {
			send(base(existing), "POST", "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"keep\"}}");
		}

		assertThatThrownBy(() -> start(data, backup)).hasStackTraceContaining("restore needs an empty store")
			.hasStackTraceContaining("stevedore.storage.restore-from");

		try (ConfigurableApplicationContext again = start(data, null)) {
			assertThat(send(base(again), "GET", "/api/v1/namespaces/default/configmaps/keep", null).statusCode())
				.isEqualTo(200);
		}
	}

	@Test
	void aBrokenBackupFileStopsTheStartNamingTheFileAndWritesNothing() throws Exception {
		Path broken = this.dir.resolve("broken.backup");
		Files.writeString(broken, "apiVersion: v1\nkind: List\n");
		Path data = this.dir.resolve("fresh");

		assertThatThrownBy(() -> start(data, broken)).hasStackTraceContaining(broken.toString())
			.hasStackTraceContaining("not a Stevedore backup");
		assertThatThrownBy(() -> start(data, this.dir.resolve("missing.backup")))
			.hasStackTraceContaining("missing.backup");

		try (ConfigurableApplicationContext empty = start(data, null)) {
			JsonNode configMaps = json(send(base(empty), "GET", "/api/v1/configmaps", null));
			assertThat(configMaps.path("items")).isEmpty();
		}
	}

	private static ConfigurableApplicationContext start(Path data, Path restoreFrom) {
		return new SpringApplicationBuilder(ApiServerApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--stevedore.storage.url=", "--stevedore.storage.embedded-dir=" + data,
				"--stevedore.storage.restore-from=" + (restoreFrom == null ? "" : restoreFrom.toString()));
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port");
	}

	private HttpResponse<String> send(String base, String method, String path, String body)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json");
		request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode json(HttpResponse<String> response) throws IOException {
		return JSON.readTree(response.body());
	}

}
