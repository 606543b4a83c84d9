package io.stevedore.nodeagent.hollow;

import java.util.List;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WithoutManagedFieldsTest {

	@Test
	void aStoredPodKeepsEverythingButItsManagedFields() {
		WithoutManagedFields<Pod> store = new WithoutManagedFields<>();
		Pod pod = new PodBuilder().withNewMetadata()
			.withName("web-0")
			.withNamespace("team-a")
			.withUid("u1")
			.addToLabels("app", "web")
			.withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").withOperation("Update").build())
			.endMetadata()
			.withNewSpec()
			.withNodeName("hollow-3")
			.endSpec()
			.build();

		String key = store.getKey(pod);
		store.put(key, pod);

		assertThat(key).isEqualTo("team-a/web-0");
		Pod stored = store.get("team-a/web-0");
		assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
		assertThat(stored.getMetadata().getLabels()).containsEntry("app", "web");
		assertThat(stored.getSpec().getNodeName()).isEqualTo("hollow-3");
		assertThat(store.size()).isEqualTo(1);
		assertThat(store.keySet().toList()).isEqualTo(List.of("team-a/web-0"));
		assertThat(store.remove("team-a/web-0")).isSameAs(stored);
		assertThat(store.size()).isZero();
	}

}
