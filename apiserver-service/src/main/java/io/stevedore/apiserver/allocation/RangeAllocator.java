package io.stevedore.apiserver.allocation;

import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;

import io.stevedore.storage.KeyExistsException;
import io.stevedore.storage.KeyNotFoundException;
import io.stevedore.storage.Store;

/**
 * Hands out members of a numbered range (IP offsets, ports) without collisions, across
 * every apiserver replica: each taken member is a key in the store, created atomically,
 * so two replicas can never take the same one (Kubernetes keeps a bitmap in etcd for the
 * same reason).
 */
public final class RangeAllocator {

	private static final byte[] TAKEN = "1".getBytes(StandardCharsets.US_ASCII);

	private static final int RANDOM_TRIES = 32;

	private final Store store;

	private final String keyPrefix;

	private final long first;

	private final long size;

	private final RandomGenerator random;

	/**
	 * @param first the first member; @param size how many members follow it
	 */
	public RangeAllocator(Store store, String keyPrefix, long first, long size, RandomGenerator random) {
		this.store = store;
		this.keyPrefix = keyPrefix;
		this.first = first;
		this.size = size;
		this.random = random;
	}

	public long first() {
		return this.first;
	}

	/** e.g. {@code 30000-32767}, for messages. */
	public String describe() {
		return this.first + "-" + (this.first + this.size - 1);
	}

	public boolean contains(long member) {
		return member >= this.first && member < this.first + this.size;
	}

	/** Takes a specific member; false when someone holds it. */
	public boolean allocate(long member) {
		try {
			this.store.create(key(member), TAKEN);
			return true;
		}
		catch (KeyExistsException ex) {
			return false;
		}
	}

	/**
	 * Takes any free member: random tries first, then a scan; -1 when the range is full.
	 */
	public long allocateNext() {
		for (int i = 0; i < RANDOM_TRIES; i++) {
			long member = this.first + this.random.nextLong(this.size);
			if (allocate(member)) {
				return member;
			}
		}
		for (long member = this.first; member < this.first + this.size; member++) {
			if (this.store.get(key(member)) == null && allocate(member)) {
				return member;
			}
		}
		return -1;
	}

	public boolean isAllocated(long member) {
		return this.store.get(key(member)) != null;
	}

	public void release(long member) {
		try {
			this.store.delete(key(member), 0);
		}
		catch (KeyNotFoundException ex) {
			// Already free: releasing twice is harmless.
		}
	}

	private String key(long member) {
		return this.keyPrefix + member;
	}

}
