package io.stevedore.apiserver.rest;

import java.util.function.Supplier;

import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.storage.KeyNotFoundException;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.RevisionConflictException;

/**
 * The read-change-compare-and-swap loop of a write to one key (Kubernetes'
 * GuaranteedUpdate): a lost race reads the key again and tries again.
 *
 * <p>
 * Kubernetes' cacher hands its cached copy to GuaranteedUpdate as the first guess of the
 * current state: that spares a store read per write (a round trip on Redis), and the
 * compare-and-swap refuses the write if the copy was stale. What else a stale copy could
 * decide (a refusal, a no-op) is checked again on the store's state. A dry run reads the
 * store: nothing would catch a stale answer.
 */
final class CompareAndSwapLoop {

	/** One attempt at the write, on a state of the key. */
	@FunctionalInterface
	interface Attempt<T> {

		/**
		 * @param current the key's state, {@code null} when missing (then always read
		 * from the store)
		 * @param fromStore whether {@code current} was read from the store rather than
		 * the watch cache
		 */
		T apply(KeyValue current, boolean fromStore);

	}

	/**
	 * Thrown by an attempt that found nothing to change in the cached copy: only the
	 * store's state may answer a no-op.
	 */
	static final class StaleCopy extends RuntimeException {

		StaleCopy() {
			super(null, null, false, false);
		}

	}

	private CompareAndSwapLoop() {
	}

	/**
	 * @param tooManyWriters the answer once the retries' time budget is spent
	 */
	static <T> T run(RestContext context, String key, boolean dryRun, Attempt<T> attempt,
			Supplier<ApiException> tooManyWriters) {
		ConflictRetry retry = new ConflictRetry();
		KeyValue kv = dryRun ? null : cachedCopy(context, key);
		boolean fromStore = kv == null;
		if (fromStore) {
			kv = context.store().get(key);
		}
		while (true) {
			try {
				return attempt.apply(kv, fromStore);
			}
			catch (RevisionConflictException | KeyNotFoundException | StaleCopy ex) {
				if (fromStore && !retry.pauseBeforeRetry()) {
					throw tooManyWriters.get();
				}
			}
			catch (ApiException ex) {
				if (fromStore) {
					throw ex;
				}
				// Refused on the cached copy: the answer stands only if the copy was
				// current.
				long guessed = kv.modRevision();
				kv = context.store().get(key);
				fromStore = true;
				if (kv != null && kv.modRevision() == guessed) {
					throw ex;
				}
				continue;
			}
			kv = context.store().get(key);
			fromStore = true;
		}
	}

	/** The watch cache's copy of {@code key} as a store value, or {@code null}. */
	private static KeyValue cachedCopy(RestContext context, String key) {
		if (!context.cache().isReady()) {
			return null;
		}
		CachedObject cached = context.cache().get(key);
		return (cached == null) ? null
				: new KeyValue(key, cached.stored(), cached.createRevision(), cached.modRevision());
	}

}
