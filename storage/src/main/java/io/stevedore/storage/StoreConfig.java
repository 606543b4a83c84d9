package io.stevedore.storage;

import java.nio.file.Path;

/**
 * How to open a {@link Store}; see {@link Stores#open(StoreConfig)}.
 *
 * @param url empty or {@code null} for the embedded store, {@code redis://host:port[/db]}
 * for Redis
 * @param embeddedDirectory where the embedded store keeps its write-ahead log and
 * snapshots (ignored for Redis)
 * @param keyPrefix namespace of every Redis key, e.g. {@code stevedore} (ignored when
 * embedded)
 * @param requireDurable refuse to start when writes cannot be made durable (Redis: AOF
 * with {@code appendfsync always} cannot be turned on)
 * @param watchHistory how many revisions of change log to keep for watches before older
 * ones are compacted automatically
 */
public record StoreConfig(String url, Path embeddedDirectory, String keyPrefix, boolean requireDurable,
		long watchHistory) {

	public static final String DEFAULT_KEY_PREFIX = "stevedore";

	public static final long DEFAULT_WATCH_HISTORY = 100_000;

	public StoreConfig {
		if (keyPrefix == null || keyPrefix.isBlank()) {
			keyPrefix = DEFAULT_KEY_PREFIX;
		}
		if (watchHistory <= 0) {
			throw new IllegalArgumentException("watchHistory must be positive, got " + watchHistory);
		}
	}

	/** The embedded store in {@code directory} with the default history. */
	public static StoreConfig embedded(Path directory) {
		return new StoreConfig(null, directory, DEFAULT_KEY_PREFIX, true, DEFAULT_WATCH_HISTORY);
	}

	/** Redis at {@code url} with the default key prefix and history. */
	public static StoreConfig redis(String url) {
		return new StoreConfig(url, null, DEFAULT_KEY_PREFIX, true, DEFAULT_WATCH_HISTORY);
	}

	public StoreConfig withWatchHistory(long history) {
		return new StoreConfig(this.url, this.embeddedDirectory, this.keyPrefix, this.requireDurable, history);
	}

	public StoreConfig withKeyPrefix(String prefix) {
		return new StoreConfig(this.url, this.embeddedDirectory, prefix, this.requireDurable, this.watchHistory);
	}

	public boolean isEmbedded() {
		return this.url == null || this.url.isBlank();
	}

}
