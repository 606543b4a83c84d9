package io.stevedore.gateway.limits;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.routing.LongRunningRequests;
import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Between authentication and authorization, where kube-apiserver limits requests: first
 * the user's token bucket, then the in-flight cap of the request's kind (read-only or
 * mutating). Either refusal is kube-apiserver's 429 {@code TooManyRequests} Status, "Too
 * many requests, please try again later.", with {@code Retry-After: 1}.
 *
 * <p>
 * Not counted, as in Kubernetes: long-running requests (watch, log, exec, attach,
 * port-forward, proxy: they would hold a slot for minutes) and {@code system:masters},
 * which "should always get an answer" (kube-apiserver's max-in-flight filter; APF's
 * exempt priority level), nor the node agents and control-plane components
 * ({@link #isSystemComponent}). The Actuator endpoints are not API requests.
 *
 * <p>
 * Metrics: {@code apiserver_current_inflight_requests{request_kind}} and
 * {@code stevedore_gateway_rejected_requests_total{request_kind,reason}} with reason
 * {@code inflight} or {@code ratelimit}.
 */
public final class RequestLimitFilter implements WebFilter, Ordered {

	public static final int ORDER = AuthenticationFilter.ORDER + 50;

	static final String NODES = "system:nodes";

	/** The users {@code ./stevedore up}, compose and the chart issue the components. */
	static final java.util.Set<String> CONTROL_PLANE_USERS = java.util.Set.of("system:kube-scheduler",
			"system:kube-controller-manager", "system:kube-proxy");

	public static final String RETRY_AFTER = "Retry-After";

	static final String MESSAGE = "Too many requests, please try again later.";

	private final InFlightLimiter inFlight;

	private final TokenBuckets buckets;

	private final MeterRegistry registry;

	public RequestLimitFilter(InFlightLimiter inFlight, TokenBuckets buckets, MeterRegistry registry) {
		this.inFlight = inFlight;
		this.buckets = buckets;
		this.registry = registry;
		if (registry != null) {
			for (boolean mutating : new boolean[] { false, true }) {
				Gauge.builder("apiserver.current.inflight.requests", () -> inFlight.inFlight(mutating))
					.description("Maximal number of currently used inflight request limit of this apiserver per "
							+ "request kind in last second.")
					.tag("request_kind", kind(mutating))
					.register(registry);
			}
		}
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		UserInfo user = exchange.getAttribute(AuthenticationFilter.USER);
		if (user == null || AuthenticationFilter.isActuator(request.getPath().value())
				|| LongRunningRequests.isLongRunning(request)) {
			return chain.filter(exchange);
		}
		boolean mutating = isMutating(request.getMethod());
		Admission admission = admit(user, mutating);
		if (admission == Admission.REFUSED) {
			return tooManyRequests(exchange);
		}
		if (admission == Admission.EXEMPT) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange).doFinally((signal) -> release(mutating));
	}

	/** What {@link #admit} decided. */
	public enum Admission {

		/** Not limited ({@link #isSystemComponent}): nothing to release. */
		EXEMPT,

		/** An in-flight slot was taken: {@link #release} it when the request ends. */
		ADMITTED,

		/** Refused: 429. */
		REFUSED

	}

	/**
	 * The limits for one short request of {@code user} (long-running ones and the
	 * Actuator are the caller's to leave out): a refusal is counted in the metrics.
	 */
	public Admission admit(UserInfo user, boolean mutating) {
		if (isSystemComponent(user)) {
			return Admission.EXEMPT;
		}
		if (!this.buckets.tryTake(user.name())) {
			count(mutating, "ratelimit");
			return Admission.REFUSED;
		}
		if (!this.inFlight.tryAcquire(mutating)) {
			count(mutating, "inflight");
			return Admission.REFUSED;
		}
		return Admission.ADMITTED;
	}

	/** Gives back the slot of an {@link Admission#ADMITTED} request. */
	public void release(boolean mutating) {
		this.inFlight.release(mutating);
	}

	/**
	 * {@code system:masters}, the node agents ({@code system:nodes}) and the
	 * control-plane components' own identities. Their informers and status writes go
	 * through the gateway, and throttling them would stall the whole cluster (a node's
	 * heartbeat refused is a node NotReady): APF keeps them on the exempt, system,
	 * leader-election and node-high priority levels, apart from user traffic. Here they
	 * skip both limits.
	 */
	static boolean isSystemComponent(UserInfo user) {
		return user.groups().contains(UserInfo.MASTERS) || user.groups().contains(NODES)
				|| CONTROL_PLANE_USERS.contains(user.name());
	}

	static boolean isMutating(HttpMethod method) {
		return isMutating(method.name());
	}

	public static boolean isMutating(String method) {
		return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
	}

	private void count(boolean mutating, String reason) {
		if (this.registry != null) {
			Counter.builder("stevedore.gateway.rejected.requests")
				.description("Requests refused with 429 by the in-flight caps or the per-user rate limit.")
				.tag("request_kind", kind(mutating))
				.tag("reason", reason)
				.register(this.registry)
				.increment();
		}
	}

	private static Mono<Void> tooManyRequests(ServerWebExchange exchange) {
		exchange.getResponse().getHeaders().set(RETRY_AFTER, "1");
		return StatusResponses.write(exchange.getResponse(), tooManyRequests());
	}

	/** The 429 Status; its response carries {@code Retry-After: 1} too. */
	public static Status tooManyRequests() {
		return StatusResponses.failure(429, "TooManyRequests", MESSAGE,
				new StatusDetailsBuilder().withRetryAfterSeconds(1).build());
	}

	private static String kind(boolean mutating) {
		return mutating ? "mutating" : "readOnly";
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
