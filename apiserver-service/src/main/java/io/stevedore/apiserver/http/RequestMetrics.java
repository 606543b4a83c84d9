package io.stevedore.apiserver.http;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * kube-apiserver's request metrics under its names, on Actuator's Prometheus endpoint:
 * {@code apiserver_request_total} and {@code apiserver_request_duration_seconds} by verb,
 * group, version, resource, subresource, scope and code. Besides dashboards, they are how
 * a controller that writes in a loop shows itself: an idle cluster makes no writes but
 * its leases and events.
 * <p>
 * The meters of one label set are looked up once and kept: building Micrometer tags on
 * every request would cost more than the count.
 */
public final class RequestMetrics {

	private final MeterRegistry registry;

	private final ConcurrentMap<Key, Meters> meters = new ConcurrentHashMap<>();

	public RequestMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/** A finished request; watches count when they end, their duration is not timed. */
	public void record(RequestInfo info, int code, long nanos) {
		Meters m = this.meters.computeIfAbsent(new Key(info.verb(), info.group(), info.version(), info.resource(),
				info.subresource(), scope(info), code), this::register);
		m.count().increment();
		if (m.duration() != null) {
			m.duration().record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * kube-apiserver's scope label: one object, a namespace's collection, or the cluster.
	 */
	static String scope(RequestInfo info) {
		if (!info.name().isEmpty()) {
			return "resource";
		}
		return info.namespace().isEmpty() ? "cluster" : "namespace";
	}

	/**
	 * kube-apiserver reports the HTTP method, except LIST and WATCH for reads of a
	 * collection (its CleanVerb): create is POST, update PUT, deletecollection DELETE.
	 */
	static String reportedVerb(String verb) {
		return switch (verb) {
			case "create" -> "POST";
			case "update" -> "PUT";
			case "deletecollection" -> "DELETE";
			default -> verb.toUpperCase(Locale.ROOT);
		};
	}

	private Meters register(Key key) {
		String[] tags = { "verb", reportedVerb(key.verb()), "group", key.group(), "version", key.version(), "resource",
				key.resource(), "subresource", key.subresource(), "scope", key.scope(), "component", "apiserver" };
		Counter count = Counter.builder("apiserver.request")
			.description("Counter of apiserver requests broken out for each verb, group, version, resource, scope,"
					+ " component, and HTTP response code.")
			.tags(tags)
			.tag("code", Integer.toString(key.code()))
			.register(this.registry);
		Timer duration = key.verb().equals("watch") ? null
				: Timer.builder("apiserver.request.duration")
					.description("Response latency distribution in seconds for each verb, group, version, resource,"
							+ " subresource, scope and component.")
					.tags(tags)
					.serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
							Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5))
					.register(this.registry);
		return new Meters(count, duration);
	}

	private record Key(String verb, String group, String version, String resource, String subresource, String scope,
			int code) {
	}

	private record Meters(Counter count, Timer duration) {
	}

}
