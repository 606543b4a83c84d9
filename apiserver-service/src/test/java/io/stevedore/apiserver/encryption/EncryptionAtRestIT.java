package io.stevedore.apiserver.encryption;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.testsupport.kubectl.Kubeconfig;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secret created with the real kubectl through an apiserver on a real redis-server with
 * an aesgcm EncryptionConfiguration: redis-cli and the AOF files never show its plaintext
 * (nor its base64), while kubectl reads it back decoded.
 */
class EncryptionAtRestIT {

	@TempDir
	static Path dir;

	private static RedisServerProcess redis;

	private static ConfigurableApplicationContext apiserver;

	private static Kubectl kubectl;

	@BeforeAll
	static void start() throws IOException {
		redis = RedisServerProcess.launch();
		// Written by the apiserver itself at its first start, as the compose file has it.
		Path config = dir.resolve("keys/encryption.yaml");
		apiserver = new SpringApplicationBuilder(ApiServerApplication.class).run("--server.port=0",
				"--stevedore.storage.url=" + redis.url(), "--stevedore.encryption.provider-config=" + config,
				"--stevedore.encryption.generate-if-missing=true");
		String port = apiserver.getEnvironment().getRequiredProperty("local.server.port");
		kubectl = Kubectl.forKubeconfig(Kubeconfig.write(dir.resolve("kubeconfig"), "http://127.0.0.1:" + port),
				dir.resolve("home"));
	}

	@AfterAll
	static void stop() {
		if (apiserver != null) {
			apiserver.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void redisNeverHoldsTheSecretsPlaintextButKubectlReadsItDecoded() throws Exception {
		String plaintext = "hunter2-" + UUID.randomUUID();
		kubectl.run("create", "secret", "generic", "db", "--from-literal=password=" + plaintext).requireSuccess();
		String base64 = Base64.getEncoder().encodeToString(plaintext.getBytes(StandardCharsets.UTF_8));

		String stored = redisCli("HGET", "stevedore:data", "/registry/core/secrets/default/db");
		assertThat(stored).startsWith("k8s:enc:aesgcm:v1:key1:").doesNotContain(plaintext).doesNotContain(base64);
		String changeLog = redisCli("XRANGE", "stevedore:log", "-", "+");
		assertThat(changeLog).contains("/registry/core/secrets/default/db")
			.doesNotContain(plaintext)
			.doesNotContain(base64);
		String everythingOnDisk = filesUnder(redis.directory());
		assertThat(everythingOnDisk).contains("k8s:enc:aesgcm:v1:key1:")
			.doesNotContain(plaintext)
			.doesNotContain(base64);

		String read = kubectl.run("get", "secret", "db", "-o", "jsonpath={.data.password}").requireSuccess().stdout();
		assertThat(new String(Base64.getDecoder().decode(read.trim()), StandardCharsets.UTF_8)).isEqualTo(plaintext);
		assertThat(kubectl.run("get", "secrets", "-o", "name").requireSuccess().stdout()).contains("secret/db");
		kubectl.run("delete", "secret", "db").requireSuccess();
	}

	@Test
	void otherResourcesStayReadableInTheStore() {
		kubectl.run("create", "configmap", "plain", "--from-literal=greeting=hello-in-the-clear").requireSuccess();
		assertThat(redisCli("HGET", "stevedore:data", "/registry/core/configmaps/default/plain"))
			.contains("hello-in-the-clear");
	}

	private static String redisCli(String... command) {
		List<String> argv = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(redis.port())));
		argv.addAll(List.of(command));
		try {
			Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
			byte[] out = process.getInputStream().readAllBytes();
			process.waitFor();
			return new String(out, StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String filesUnder(Path root) throws IOException {
		StringBuilder all = new StringBuilder();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				all.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
			}
		}
		return all.toString();
	}

}
