package io.stevedore.gateway.routing;

import java.net.URI;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * One apiserver replica: its URL, whether its last readiness probe passed, and its own
 * circuit breaker, so one failing replica is taken out without tripping the others.
 * {@code ready} is written by the health checker thread and read by request threads.
 */
public final class Upstream {

	private final URI url;

	private final CircuitBreaker circuitBreaker;

	private volatile boolean ready = true;

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

	void setReady(boolean ready) {
		this.ready = ready;
	}

	/** Ready, and its breaker lets calls through (closed or half-open). */
	public boolean isAvailable() {
		return this.ready && this.circuitBreaker.getState() != CircuitBreaker.State.OPEN
				&& this.circuitBreaker.getState() != CircuitBreaker.State.FORCED_OPEN;
	}

	@Override
	public String toString() {
		return this.url.toString();
	}

}
