package io.stevedore.scheduler.framework;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Data one scheduling cycle passes between extension points (what PreFilter computed,
 * Filter reads), under typed keys. One per pod attempt; used by the scheduling thread
 * only, so not synchronized.
 * <p>
 * Filter and Score read their PreFilter/PreScore state once per node, hundreds of nodes
 * per pod, so a read is an array index: every key gets its own slot when it is made (keys
 * are constants, made once per plugin class), not a hash lookup of a record key.
 */
public final class CycleState {

	private static final AtomicInteger SLOTS = new AtomicInteger();

	private Object[] values = new Object[Math.max(8, SLOTS.get())];

	public <T> void write(Key<T> key, T value) {
		int slot = key.slot;
		if (slot >= this.values.length) {
			this.values = Arrays.copyOf(this.values, Math.max(slot + 1, this.values.length * 2));
		}
		this.values[slot] = value;
	}

	/** The value PreFilter wrote; an Error status is the caller's to return if absent. */
	public <T> T read(Key<T> key) {
		int slot = key.slot;
		return (slot < this.values.length) ? key.type.cast(this.values[slot]) : null;
	}

	/**
	 * A typed key; plugins keep theirs as a constant. Two keys are the same only if they
	 * are the same object, as each has its own slot.
	 */
	public static final class Key<T> {

		private final String name;

		private final Class<T> type;

		private final int slot;

		private Key(String name, Class<T> type) {
			this.name = name;
			this.type = type;
			this.slot = SLOTS.getAndIncrement();
		}

		public static <T> Key<T> of(String name, Class<T> type) {
			return new Key<>(name, type);
		}

		public String name() {
			return this.name;
		}

		public Class<T> type() {
			return this.type;
		}

		@Override
		public String toString() {
			return "Key[" + this.name + "]";
		}

	}

}
