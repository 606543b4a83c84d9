package io.stevedore.controller.workload;

import java.time.Clock;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.stevedore.controller.support.ControlPlaneTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events through the correlator against the real apiserver: a repeat is a count. */
class ClientEventRecorderIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void theSameEventTwentyTimesBackToBackEndsAsOneStoredEventWithCountTwenty() {
		String ns = createNamespace();
		ConfigMap object = configMap(ns, "burst");
		ClientEventRecorder recorder = new ClientEventRecorder(client, "test-controller", Clock.systemUTC());

		// From several threads at once, as sync workers do.
		java.util.stream.IntStream.range(0, 20)
			.parallel()
			.forEach((i) -> recorder.event(object, EventRecorder.WARNING, "FailedSync", "cannot read burst"));

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems()).singleElement()
				.satisfies(e -> assertThat(e.getCount()).isEqualTo(20)));
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> client.v1().events().inNamespace(ns).list().getItems().get(0).getCount() == 20);
	}

	@Test
	void theSameEventThreeTimesIsOneStoredEventWithCountThree() {
		String ns = createNamespace();
		ConfigMap object = configMap(ns, "settings");
		ClientEventRecorder recorder = new ClientEventRecorder(client, "test-controller", Clock.systemUTC());

		recorder.event(object, EventRecorder.WARNING, "FailedSync", "cannot read settings");
		await().atMost(TIMEOUT).until(() -> !client.v1().events().inNamespace(ns).list().getItems().isEmpty());
		recorder.event(object, EventRecorder.WARNING, "FailedSync", "cannot read settings");
		// Writes are asynchronous: one at a time, so the last patch is the count of 3.
		await().atMost(TIMEOUT)
			.until(() -> client.v1().events().inNamespace(ns).list().getItems().get(0).getCount() == 2);
		recorder.event(object, EventRecorder.WARNING, "FailedSync", "cannot read settings");

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems()).singleElement()
				.satisfies(e -> {
					assertThat(e.getCount()).isEqualTo(3);
					assertThat(e.getReason()).isEqualTo("FailedSync");
					assertThat(e.getInvolvedObject().getName()).isEqualTo("settings");
				}));
	}

	private static ConfigMap configMap(String ns, String name) {
		return client.configMaps()
			.inNamespace(ns)
			.resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build())
			.create();
	}

}
