package io.stevedore.storage;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.stevedore.storage.embedded.EmbeddedStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoresTest {

	@TempDir
	Path directory;

	@ParameterizedTest(name = "url \"{0}\" opens the embedded store")
	@ValueSource(strings = { "", "  " })
	void anEmptyUrlOpensTheEmbeddedStore(String url) {
		try (Store store = Stores.open(new StoreConfig(url, this.directory, null, true, 100))) {
			assertThat(store).isInstanceOf(EmbeddedStore.class);
		}
	}

	@Test
	void aMissingUrlOpensTheEmbeddedStore() {
		try (Store store = Stores.open(StoreConfig.embedded(this.directory))) {
			assertThat(store).isInstanceOf(EmbeddedStore.class);
		}
	}

	@Test
	void theEmbeddedStoreNeedsADirectory() {
		assertThatThrownBy(() -> Stores.open(new StoreConfig(null, null, null, true, 100)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("embeddedDirectory");
	}

	@Test
	void aUrlOfAnotherSchemeIsRejectedNamingTheUrl() {
		assertThatThrownBy(() -> Stores.open(StoreConfig.redis("etcd://127.0.0.1:2379")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("etcd://127.0.0.1:2379")
			.hasMessageContaining("redis://host:port");
	}

	@Test
	void aBlankKeyPrefixFallsBackToStevedoreAndANonPositiveHistoryIsRejected() {
		assertThat(new StoreConfig("redis://x:1", null, " ", true, 5).keyPrefix()).isEqualTo("stevedore");
		assertThatThrownBy(() -> StoreConfig.redis("redis://x:1").withWatchHistory(0))
			.hasMessageContaining("watchHistory");
	}

}
