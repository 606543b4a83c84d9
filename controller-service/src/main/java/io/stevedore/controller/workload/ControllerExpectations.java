package io.stevedore.controller.workload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Kubernetes' {@code ControllerExpectations}: how many creations and deletions a
 * controller has issued for a key but not yet seen through its informer. A sync that
 * finds expectations unmet does not create or delete again, so a cache that lags behind
 * the controller's own writes never causes double creation. Expectations expire after
 * five minutes so a lost watch event cannot wedge a controller forever.
 * <p>
 * Threading: safe for concurrent use; informer threads lower, sync workers raise.
 */
public final class ControllerExpectations {

	/** Kubernetes' {@code ExpectationsTimeout}. */
	public static final Duration TIMEOUT = Duration.ofMinutes(5);

	private final ConcurrentMap<String, Expectation> byKey = new ConcurrentHashMap<>();

	private final Clock clock;

	public ControllerExpectations(Clock clock) {
		this.clock = clock;
	}

	/** Whether the controller may act on the key: nothing outstanding, or expired. */
	public boolean satisfied(String key) {
		Expectation expectation = this.byKey.get(key);
		if (expectation == null) {
			return true;
		}
		synchronized (expectation) {
			return expectation.adds <= 0 && expectation.dels <= 0
					|| expectation.setAt.plus(TIMEOUT).isBefore(this.clock.instant());
		}
	}

	/** Records creations and deletions about to be issued, replacing older ones. */
	public void expect(String key, int adds, int dels) {
		this.byKey.put(key, new Expectation(adds, dels, this.clock.instant()));
	}

	public void expectCreations(String key, int adds) {
		expect(key, adds, 0);
	}

	public void expectDeletions(String key, int dels) {
		expect(key, 0, dels);
	}

	/**
	 * An informer saw one of the creations (or a create call failed, so none will come).
	 */
	public void creationObserved(String key) {
		lower(key, 1, 0);
	}

	public void deletionObserved(String key) {
		lower(key, 0, 1);
	}

	public void forget(String key) {
		this.byKey.remove(key);
	}

	private void lower(String key, int adds, int dels) {
		Expectation expectation = this.byKey.get(key);
		if (expectation != null) {
			synchronized (expectation) {
				expectation.adds -= adds;
				expectation.dels -= dels;
			}
		}
	}

	private static final class Expectation {

		private int adds;

		private int dels;

		private final Instant setAt;

		Expectation(int adds, int dels, Instant setAt) {
			this.adds = adds;
			this.dels = dels;
			this.setAt = setAt;
		}

	}

}
