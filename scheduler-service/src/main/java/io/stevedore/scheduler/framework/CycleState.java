package io.stevedore.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/**
 * Data one scheduling cycle passes between extension points (what PreFilter computed,
 * Filter reads), under typed keys. One per pod attempt; used by the scheduling thread
 * only, so not synchronized.
 */
public final class CycleState {

	private final Map<Key<?>, Object> data = new HashMap<>();

	public <T> void write(Key<T> key, T value) {
		this.data.put(key, value);
	}

	/** The value PreFilter wrote; an Error status is the caller's to return if absent. */
	public <T> T read(Key<T> key) {
		return key.type().cast(this.data.get(key));
	}

	/** A typed key; plugins keep theirs as a constant. */
	public record Key<T>(String name, Class<T> type) {

		public static <T> Key<T> of(String name, Class<T> type) {
			return new Key<>(name, type);
		}

	}

}
