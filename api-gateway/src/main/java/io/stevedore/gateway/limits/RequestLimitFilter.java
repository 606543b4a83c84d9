package io.stevedore.gateway.limits;

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
				|| LongRunningRequests.isLongRunning(request) || isSystemComponent(user)) {
			return chain.filter(exchange);
		}
		boolean mutating = isMutating(request.getMethod());
		if (!this.buckets.tryTake(user.name())) {
			return tooManyRequests(exchange, mutating, "ratelimit");
		}
		if (!this.inFlight.tryAcquire(mutating)) {
			return tooManyRequests(exchange, mutating, "inflight");
		}
		return chain.filter(exchange).doFinally((signal) -> this.inFlight.release(mutating));
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
		return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method));
	}

	private Mono<Void> tooManyRequests(ServerWebExchange exchange, boolean mutating, String reason) {
		if (this.registry != null) {
			Counter.builder("stevedore.gateway.rejected.requests")
				.description("Requests refused with 429 by the in-flight caps or the per-user rate limit.")
				.tag("request_kind", kind(mutating))
				.tag("reason", reason)
				.register(this.registry)
				.increment();
		}
		exchange.getResponse().getHeaders().set("Retry-After", "1");
		return StatusResponses.write(exchange.getResponse(), StatusResponses.failure(429, "TooManyRequests", MESSAGE,
				new StatusDetailsBuilder().withRetryAfterSeconds(1).build()));
	}

	private static String kind(boolean mutating) {
		return mutating ? "mutating" : "readOnly";
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
