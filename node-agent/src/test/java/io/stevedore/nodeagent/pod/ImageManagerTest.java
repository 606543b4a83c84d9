package io.stevedore.nodeagent.pod;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.stevedore.nodeagent.runtime.RegistryAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ImageManagerTest {

	@ParameterizedTest(name = "{0} defaults to {1}")
	@CsvSource({ "busybox,Always", "busybox:latest,Always", "busybox:1,IfNotPresent", "127.0.0.1:5000/app,Always",
			"127.0.0.1:5000/app:2,IfNotPresent", "app@sha256:abc,IfNotPresent" })
	void theDefaultPullPolicyIsAlwaysOnlyForLatestOrNoTag(String image, String policy) {
		assertThat(ImageManager.defaultPolicy(image)).isEqualTo(policy);
	}

	@ParameterizedTest(name = "{0} comes from {1}")
	@CsvSource({ "busybox,docker.io", "library/busybox,docker.io", "127.0.0.1:5000/app,127.0.0.1:5000",
			"localhost/app,localhost", "registry.example/team/app:1,registry.example" })
	void theRegistryIsTheFirstComponentWhenItLooksLikeAHost(String image, String registry) {
		assertThat(ImageManager.registry(image)).isEqualTo(registry);
	}

	@Test
	void aDockerConfigJsonEntryForTheRegistryGivesItsCredentials() {
		String auth = Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
		String json = "{\"auths\":{\"other.example\":{\"auth\":\"eDp5\"},\"127.0.0.1:5000\":{\"auth\":\"" + auth
				+ "\"}}}";
		assertThat(ImageManager.fromDockerConfig(json, "127.0.0.1:5000"))
			.isEqualTo(new RegistryAuth("127.0.0.1:5000", "alice", "s3cret"));
		assertThat(ImageManager.fromDockerConfig(json, "elsewhere.example")).isNull();
	}

	@Test
	void dockerHubCredentialsAreFoundUnderItsLegacyIndexAddress() {
		String json = "{\"auths\":{\"https://index.docker.io/v1/\":{\"username\":\"bob\",\"password\":\"pw\"}}}";
		assertThat(ImageManager.fromDockerConfig(json, "docker.io").username()).isEqualTo("bob");
	}

}
