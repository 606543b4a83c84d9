package io.stevedore.gateway.limits;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * kube-apiserver's {@code --max-requests-inflight} and
 * {@code --max-mutating-requests-inflight}: two independent caps on the short requests
 * being served at once, read-only and mutating. A cap of 0 means no cap, as in
 * Kubernetes. Thread-safe and lock-free: a slot is taken by a compare-and-set, so the
 * count never overshoots the cap under contention.
 */
public final class InFlightLimiter {

	private final Cap readOnly;

	private final Cap mutating;

	public InFlightLimiter(int maxReadOnly, int maxMutating) {
		this.readOnly = new Cap(maxReadOnly);
		this.mutating = new Cap(maxMutating);
	}

	/**
	 * Takes a slot; {@code false} when the kind's cap is reached (nothing taken then).
	 */
	public boolean tryAcquire(boolean mutatingRequest) {
		return cap(mutatingRequest).tryAcquire();
	}

	/** Gives back a slot taken by {@link #tryAcquire}. */
	public void release(boolean mutatingRequest) {
		cap(mutatingRequest).inFlight.decrementAndGet();
	}

	public int inFlight(boolean mutatingRequest) {
		return cap(mutatingRequest).inFlight.get();
	}

	private Cap cap(boolean mutatingRequest) {
		return mutatingRequest ? this.mutating : this.readOnly;
	}

	private static final class Cap {

		private final int max;

		private final AtomicInteger inFlight = new AtomicInteger();

		Cap(int max) {
			this.max = max;
		}

		boolean tryAcquire() {
			while (true) {
				int current = this.inFlight.get();
				if (this.max > 0 && current >= this.max) {
					return false;
				}
				if (this.inFlight.compareAndSet(current, current + 1)) {
					return true;
				}
			}
		}

	}

}
