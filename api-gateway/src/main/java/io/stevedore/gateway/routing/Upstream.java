package io.stevedore.gateway.routing;

import java.net.URI;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * One apiserver replica: its URL, whether it is ready, and its own circuit breaker, so
 * one failing replica is taken out without tripping the others. As a Kubernetes readiness
 * probe, one passed probe makes it ready and {@link #FAILURE_THRESHOLD} failed ones in a
 * row unready: a single probe that times out on a busy machine must not cut the cluster
 * off. {@code ready} is written by the health checker thread and read by request threads.
 */
public final class Upstream {

	private final URI url;

	private final CircuitBreaker circuitBreaker;

	/** Failed probes in a row before a replica counts as unready. */
	static final int FAILURE_THRESHOLD = 3;

	private volatile boolean ready = true;

	private int failedProbes;

	public Upstream(URI url, CircuitBreaker circuitBreaker) {
		this.url = url;
		this.circuitBreaker = circuitBreaker;
	}

	public URI url() {
		return this.url;
	}

	public CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	public boolean isReady() {
		return this.ready;
	}

	/**
	 * Records one readiness probe (health checker thread only).
	 * @return whether the replica is ready now
	 */
	boolean recordProbe(boolean passed) {
		this.failedProbes = passed ? 0 : this.failedProbes + 1;
		if (passed) {
			this.ready = true;
		}
		else if (this.failedProbes >= FAILURE_THRESHOLD) {
			this.ready = false;
		}
		return this.ready;
	}

	/** Ready, and its breaker lets calls through (closed or half-open). */
	public boolean isAvailable() {
		return this.ready && breakerPermits();
	}

	/** Its breaker lets calls through (closed or half-open), ready or not. */
	public boolean breakerPermits() {
		return this.circuitBreaker.getState() != CircuitBreaker.State.OPEN
				&& this.circuitBreaker.getState() != CircuitBreaker.State.FORCED_OPEN;
	}

	@Override
	public String toString() {
		return this.url.toString();
	}

}
