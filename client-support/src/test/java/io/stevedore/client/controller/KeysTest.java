package io.stevedore.client.controller;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KeysTest {

	@Test
	void aNamespacedObjectsKeyIsNamespaceSlashName() {
		String key = Keys
			.of(new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("cm").endMetadata().build());

		assertThat(key).isEqualTo("ns/cm");
		assertThat(Keys.namespace(key)).isEqualTo("ns");
		assertThat(Keys.name(key)).isEqualTo("cm");
	}

	@Test
	void aClusterScopedObjectsKeyIsItsName() {
		String key = Keys.of(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build());

		assertThat(key).isEqualTo("team-a");
		assertThat(Keys.namespace(key)).isEmpty();
		assertThat(Keys.name(key)).isEqualTo("team-a");
	}

	@ParameterizedTest(name = "key \"{0}\" is rejected")
	@ValueSource(strings = { "", "/name", "ns/", "a/b/c" })
	void malformedKeysAreRejected(String key) {
		assertThatIllegalArgumentException().isThrownBy(() -> Keys.check(key)).withMessageContaining(key);
	}

}
