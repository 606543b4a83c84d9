package io.stevedore.controller.serviceaccount;

import java.time.Duration;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.stevedore.controller.support.ControlPlaneTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The default ServiceAccount against the real apiserver. */
class ServiceAccountsIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void everyNamespaceGetsADefaultServiceAccount() {
		String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();

		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(client.serviceAccounts().inNamespace(ns).withName("default").get()).isNotNull());

		client.serviceAccounts().inNamespace(ns).withName("default").delete();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			var recreated = client.serviceAccounts().inNamespace(ns).withName("default").get();
			assertThat(recreated).isNotNull();
			assertThat(recreated.getMetadata().getDeletionTimestamp()).isNull();
		});
	}

}
