package io.stevedore.proxy.ingress.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code stevedore_ingress_requests_total{code="2xx"..}}, {@code ..._retries_total}:
 * counters made once, so a request costs an increment.
 */
public final class Metrics {

	private final Counter[] byClass = new Counter[6];

	private final Counter retries;

	public Metrics(MeterRegistry registry) {
		for (int i = 1; i <= 5; i++) {
			this.byClass[i] = Counter.builder("stevedore.ingress.requests")
				.description("requests answered by the Ingress, by status class")
				.tag("code", i + "xx")
				.register(registry);
		}
		this.retries = Counter.builder("stevedore.ingress.retries")
			.description("requests sent again to another endpoint after a connection failure")
			.register(registry);
	}

	void answered(int status) {
		int c = status / 100;
		if (c >= 1 && c <= 5) {
			this.byClass[c].increment();
		}
	}

	void retried() {
		this.retries.increment();
	}

}
