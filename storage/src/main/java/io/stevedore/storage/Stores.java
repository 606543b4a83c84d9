package io.stevedore.storage;

import io.stevedore.storage.embedded.EmbeddedStore;
import io.stevedore.storage.redis.RedisStore;

/** Opens the backend a {@link StoreConfig} names: embedded without a URL, else Redis. */
public final class Stores {

	private Stores() {
	}

	public static Store open(StoreConfig config) {
		if (config.isEmbedded()) {
			if (config.embeddedDirectory() == null) {
				throw new IllegalArgumentException(
						"storage: no Redis URL is configured, so embeddedDirectory is required for the embedded store");
			}
			return EmbeddedStore.open(config.embeddedDirectory(), EmbeddedStore.Options.from(config));
		}
		if (!config.url().startsWith("redis://")) {
			throw new IllegalArgumentException(
					"storage: url must be empty (embedded store) or redis://host:port[/db], got '" + config.url()
							+ "'");
		}
		return RedisStore.open(config);
	}

}
