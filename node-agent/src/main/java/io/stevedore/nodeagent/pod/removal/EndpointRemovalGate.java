package io.stevedore.nodeagent.pod.removal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Holds a deleted pod's stop signal until no proxy routes new connections to it: the race
 * of kubernetes#43576 (endpoint removal against SIGTERM) taken out of rolling updates.
 * <p>
 * (a) Every EndpointSlice that lists the pod must show it not ready (the endpoints
 * controller marks pods with a deletionTimestamp ready=false, terminating=true); R is the
 * highest revision among those slices then, or the slice watch's position when the pod is
 * in none any more. (b) Every live proxy Lease (renewTime + leaseDurationSeconds in the
 * future) must carry {@value #APPLIED_ANNOTATION} &gt;= R: the revision of slice state
 * its data plane holds. A pod that no slice ever showed serving (no Service, never ready)
 * does not wait. The wait is bounded by the configured timeout and by the grace period
 * minus a margin for the stop itself.
 * <p>
 * Threading: stateless between calls; safe for concurrent pod workers.
 */
public final class EndpointRemovalGate {

	public static final String APPLIED_ANNOTATION = "proxy.stevedore.io/applied-resource-version";

	public static final String PROXY_LEASE_PREFIX = "stevedore-proxy-";

	private static final Duration POLL = Duration.ofMillis(100);

	private final RoutingState routing;

	private final Clock clock;

	private final Sleeper sleeper;

	private final Duration timeout;

	/** How the gate waits between looks (a fake clock's advance in unit tests). */
	@FunctionalInterface
	public interface Sleeper {

		void sleep(Duration duration) throws InterruptedException;

	}

	/**
	 * @param waited how long the stop signal was held back
	 * @param timedOut the bound was hit with the pod possibly still routed
	 * @param why what was still pending when the bound was hit, empty otherwise
	 */
	public record Outcome(Duration waited, boolean timedOut, String why) {

		static Outcome immediately() {
			return new Outcome(Duration.ZERO, false, "");
		}

	}

	public EndpointRemovalGate(RoutingState routing, Clock clock, Sleeper sleeper, Duration timeout) {
		this.routing = routing;
		this.clock = clock;
		this.sleeper = sleeper;
		this.timeout = timeout;
	}

	/** The longest a pod with this grace period may wait. */
	Duration bound(Duration grace) {
		// At least one second, or a quarter of the grace period, stays for preStop and
		// the stop signal.
		Duration margin = grace.dividedBy(4).compareTo(Duration.ofSeconds(1)) > 0 ? grace.dividedBy(4)
				: Duration.ofSeconds(1);
		Duration left = grace.minus(margin);
		if (left.isNegative()) {
			return Duration.ZERO;
		}
		return left.compareTo(this.timeout) < 0 ? left : this.timeout;
	}

	/**
	 * Waits until no proxy routes to the pod, or the bound; returns at once for a pod no
	 * slice ever showed serving.
	 */
	public Outcome awaitUnrouted(Pod pod, Duration grace) {
		Instant start = this.clock.instant();
		Instant deadline = start.plus(bound(grace));
		String uid = pod.getMetadata().getUid();
		String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
		String namespace = pod.getMetadata().getNamespace();
		List<EndpointSlice> listing = listing(namespace, uid, ip);
		if (listing.isEmpty() && !this.routing.wasServing(uid, ip)) {
			return Outcome.immediately();
		}
		String pending;
		long removedAt = -1;
		while (true) {
			if (removedAt < 0) {
				listing = listing(namespace, uid, ip);
				List<String> stillReady = new ArrayList<>();
				long highest = 0;
				for (EndpointSlice slice : listing) {
					highest = Math.max(highest, revision(slice.getMetadata().getResourceVersion()));
					if (listsReady(slice, uid, ip)) {
						stillReady.add(slice.getMetadata().getName());
					}
				}
				if (stillReady.isEmpty()) {
					removedAt = listing.isEmpty() ? this.routing.sliceRevision() : highest;
				}
				pending = "EndpointSlice " + String.join(", ", stillReady) + " still lists the pod as ready";
			}
			else {
				pending = "";
			}
			if (removedAt >= 0) {
				List<String> behind = behind(removedAt);
				if (behind.isEmpty()) {
					return new Outcome(Duration.between(start, this.clock.instant()), false, "");
				}
				pending = "proxies " + String.join(", ", behind) + " have not applied revision " + removedAt;
			}
			if (!this.clock.instant().isBefore(deadline)) {
				return new Outcome(Duration.between(start, this.clock.instant()), true, pending);
			}
			try {
				this.sleeper.sleep(POLL);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Outcome(Duration.between(start, this.clock.instant()), true, "interrupted");
			}
		}
	}

	/** The pod is gone: the routing memory of it can go. */
	public void forget(Pod pod) {
		this.routing.forget(pod.getMetadata().getUid(), pod.getStatus() == null ? null : pod.getStatus().getPodIP());
	}

	private List<EndpointSlice> listing(String namespace, String uid, String ip) {
		List<EndpointSlice> listing = new ArrayList<>();
		for (EndpointSlice slice : this.routing.slices(namespace)) {
			if (slice.getEndpoints() != null && slice.getEndpoints().stream().anyMatch(e -> isPod(e, uid, ip))) {
				listing.add(slice);
			}
		}
		return listing;
	}

	private static boolean listsReady(EndpointSlice slice, String uid, String ip) {
		return slice.getEndpoints().stream().anyMatch(e -> isPod(e, uid, ip) && ready(e));
	}

	/** Kubernetes: an unset ready condition means ready. */
	static boolean ready(Endpoint endpoint) {
		return endpoint.getConditions() == null || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
	}

	/** The endpoint is the pod: by targetRef uid, or by address when there is none. */
	static boolean isPod(Endpoint endpoint, String uid, String ip) {
		if (endpoint.getTargetRef() != null && endpoint.getTargetRef().getUid() != null) {
			return Objects.equals(endpoint.getTargetRef().getUid(), uid);
		}
		return ip != null && endpoint.getAddresses() != null && endpoint.getAddresses().contains(ip);
	}

	/** Live proxies whose data plane is older than the revision. */
	private List<String> behind(long revision) {
		Instant now = this.clock.instant();
		List<String> behind = new ArrayList<>();
		for (Lease lease : this.routing.proxyLeases()) {
			if (!live(lease, now)) {
				continue;
			}
			String applied = lease.getMetadata().getAnnotations() == null ? null
					: lease.getMetadata().getAnnotations().get(APPLIED_ANNOTATION);
			if (revision(applied) < revision) {
				behind.add(lease.getMetadata().getName() + " (at " + (applied == null ? "none" : applied) + ")");
			}
		}
		return behind;
	}

	static boolean live(Lease lease, Instant now) {
		if (lease.getSpec() == null || lease.getSpec().getRenewTime() == null
				|| lease.getSpec().getLeaseDurationSeconds() == null) {
			return false;
		}
		ZonedDateTime renewed = lease.getSpec().getRenewTime();
		return renewed.toInstant().plusSeconds(lease.getSpec().getLeaseDurationSeconds()).isAfter(now);
	}

	static long revision(String value) {
		if (value == null || value.isEmpty()) {
			return 0;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
