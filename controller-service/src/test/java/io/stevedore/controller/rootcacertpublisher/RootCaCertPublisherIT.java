package io.stevedore.controller.rootcacertpublisher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The root CA publisher alone against the real apiserver: every namespace, existing or
 * new, gets {@code kube-root-ca.crt} with the CA of
 * {@code stevedore.controllers.root-ca-file}, and gets it back when it is deleted or
 * changed.
 */
class RootCaCertPublisherIT {

	static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBroot\n-----END CERTIFICATE-----\n";

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	static Path dir;

	static ControlPlane plane;

	static KubernetesClient client;

	@BeforeAll
	static void start() throws Exception {
		Path ca = dir.resolve("ca.crt");
		Files.writeString(ca, CA);
		plane = ControlPlane.start(dir.resolve("store"), "--stevedore.controllers.enabled=root-ca-cert-publisher",
				"--stevedore.controllers.root-ca-file=" + ca);
		client = plane.client();
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.close();
		}
		if (plane != null) {
			plane.close();
		}
	}

	@Test
	void theBuiltInNamespacesAndANewOneGetTheCaAndGetItBackAfterADeleteOrAnEdit() {
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(caIn("default")).isEqualTo(CA));
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build())
			.create();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(caIn("team")).isEqualTo(CA));
		ConfigMap first = client.configMaps().inNamespace("team").withName("kube-root-ca.crt").get();
		assertThat(first.getMetadata().getAnnotations()).containsKey("kubernetes.io/description");

		client.configMaps().inNamespace("team").withName("kube-root-ca.crt").delete();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			ConfigMap again = client.configMaps().inNamespace("team").withName("kube-root-ca.crt").get();
			assertThat(again).isNotNull();
			assertThat(again.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
			assertThat(again.getData()).containsEntry("ca.crt", CA);
		});

		ConfigMap current = client.configMaps().inNamespace("team").withName("kube-root-ca.crt").get();
		client.configMaps()
			.resource(new ConfigMapBuilder(current).withData(Map.of("ca.crt", "forged")).build())
			.update();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(caIn("team")).isEqualTo(CA));
	}

	private static String caIn(String namespace) {
		ConfigMap map = client.configMaps().inNamespace(namespace).withName("kube-root-ca.crt").get();
		return map == null ? null : map.getData().get("ca.crt");
	}

}
