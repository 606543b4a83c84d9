package io.stevedore.controller.bootstrap;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** tokencleaner alone against the real apiserver. */
class TokenCleanerIT {

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		plane = ControlPlane.start(dataDir, "--stevedore.controllers.enabled=" + TokenCleanerController.NAME);
		client = plane.client();
	}

	@AfterAll
	static void stop() {
		client.close();
		plane.close();
	}

	@Test
	void expiredTokensGoAtOnceAndOthersWhenTheyExpire() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		create("exp001", TokenCleanerSync.SECRET_TYPE, now.minusSeconds(60).toString());
		create("exp002", TokenCleanerSync.SECRET_TYPE, now.plusSeconds(4).toString());
		create("keep01", TokenCleanerSync.SECRET_TYPE, null);
		// Another type with a passed expiration: not a token, not the cleaner's.
		create("keep02", "Opaque", now.minusSeconds(60).toString());

		await().atMost(Duration.ofSeconds(20)).until(() -> get("exp001") == null);
		assertThat(get("exp002")).as("expires in 4 s, not yet").isNotNull();

		await().atMost(Duration.ofSeconds(20)).until(() -> get("exp002") == null);
		assertThat(Instant.now()).isAfterOrEqualTo(now.plusSeconds(4));
		assertThat(get("keep01")).isNotNull();
		assertThat(get("keep02")).isNotNull();
	}

	static void create(String id, String type, String expiration) {
		SecretBuilder secret = new SecretBuilder().withNewMetadata()
			.withNamespace("kube-system")
			.withName("bootstrap-token-" + id)
			.endMetadata()
			.withType(type)
			.addToStringData("token-id", id)
			.addToStringData("token-secret", "0123456789abcdef")
			.addToStringData("usage-bootstrap-authentication", "true");
		if (expiration != null) {
			secret.addToStringData("expiration", expiration);
		}
		client.secrets().inNamespace("kube-system").resource(secret.build()).create();
	}

	static Secret get(String id) {
		return client.secrets().inNamespace("kube-system").withName("bootstrap-token-" + id).get();
	}

}
