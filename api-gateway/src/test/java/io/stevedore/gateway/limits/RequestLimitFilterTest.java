package io.stevedore.gateway.limits;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

class RequestLimitFilterTest {

	private static final UserInfo JANE = UserInfo.of("jane", List.of("developers", "system:authenticated"));

	private static final UserInfo ADMIN = UserInfo.of("admin", List.of(UserInfo.MASTERS));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	/** A chain that stays in flight until {@link #done} completes. */
	private final Sinks.Empty<Void> done = Sinks.empty();

	private final AtomicInteger forwarded = new AtomicInteger();

	private final WebFilterChain holding = (exchange) -> {
		this.forwarded.incrementAndGet();
		return this.done.asMono();
	};

	private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request, UserInfo user) {
		MockServerWebExchange exchange = MockServerWebExchange.from(request);
		exchange.getAttributes().put(AuthenticationFilter.USER, user);
		return exchange;
	}

	@Test
	void aRequestOverTheInFlightCapIsKubernetesTooManyRequestsWithRetryAfter() {
		RequestLimitFilter filter = new RequestLimitFilter(new InFlightLimiter(1, 1), new TokenBuckets(0, 0, () -> 0),
				this.registry);
		filter.filter(exchange(MockServerHttpRequest.get("/api/v1/pods"), JANE), this.holding).subscribe();
		MockServerWebExchange refused = exchange(MockServerHttpRequest.get("/api/v1/pods"), JANE);
		filter.filter(refused, this.holding).block();
		assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		assertThat(refused.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
		assertThat(refused.getResponse().getBodyAsString().block()).contains("\"kind\":\"Status\"")
			.contains("\"reason\":\"TooManyRequests\"")
			.contains("\"message\":\"Too many requests, please try again later.\"")
			.contains("\"retryAfterSeconds\":1")
			.contains("\"code\":429");
		assertThat(this.forwarded).hasValue(1);
		assertThat(this.registry.get("stevedore.gateway.rejected.requests")
			.tag("reason", "inflight")
			.tag("request_kind", "readOnly")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void aFinishedRequestGivesItsSlotBack() {
		InFlightLimiter limiter = new InFlightLimiter(1, 1);
		RequestLimitFilter filter = new RequestLimitFilter(limiter, new TokenBuckets(0, 0, () -> 0), null);
		filter.filter(exchange(MockServerHttpRequest.post("/api/v1/namespaces/a/pods"), JANE), this.holding)
			.subscribe();
		assertThat(limiter.inFlight(true)).isEqualTo(1);
		this.done.tryEmitEmpty();
		assertThat(limiter.inFlight(true)).isZero();
	}

	@Test
	void watchesAndStreamsAreNotCounted() {
		InFlightLimiter limiter = new InFlightLimiter(1, 1);
		RequestLimitFilter filter = new RequestLimitFilter(limiter, new TokenBuckets(0, 0, () -> 0), null);
		for (String path : List.of("/api/v1/pods?watch=true", "/api/v1/namespaces/a/pods/p/log?follow=true",
				"/api/v1/watch/pods", "/api/v1/namespaces/a/pods/p/exec")) {
			filter.filter(exchange(MockServerHttpRequest.get(path), JANE), this.holding).subscribe();
		}
		assertThat(limiter.inFlight(false)).isZero();
		assertThat(this.forwarded).hasValue(4);
	}

	@Test
	void systemMastersAlwaysGetAnAnswer() {
		RequestLimitFilter filter = new RequestLimitFilter(new InFlightLimiter(1, 1), new TokenBuckets(1, 1, () -> 0),
				null);
		for (int i = 0; i < 5; i++) {
			MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/api/v1/pods"), ADMIN);
			filter.filter(exchange, this.holding).subscribe();
			assertThat(exchange.getResponse().getStatusCode()).isNull();
		}
		assertThat(this.forwarded).hasValue(5);
	}

	@Test
	void nodesAndControlPlaneComponentsAreNotThrottledButTheirLookalikesAre() {
		RequestLimitFilter filter = new RequestLimitFilter(new InFlightLimiter(1, 1), new TokenBuckets(1, 1, () -> 0),
				null);
		List<UserInfo> system = List.of(UserInfo.of("system:node:n1", List.of("system:nodes")),
				UserInfo.of("system:kube-scheduler", List.of()),
				UserInfo.of("system:kube-controller-manager", List.of()), UserInfo.of("system:kube-proxy", List.of()));
		for (UserInfo user : system) {
			for (int i = 0; i < 3; i++) {
				MockServerWebExchange exchange = exchange(MockServerHttpRequest.put("/api/v1/namespaces/a/pods/p"),
						user);
				filter.filter(exchange, this.holding).subscribe();
				assertThat(exchange.getResponse().getStatusCode()).as(user.name()).isNull();
			}
		}
		assertThat(this.forwarded).hasValue(12);
		// A user merely named like a node, without the group, is throttled as anyone.
		UserInfo lookalike = UserInfo.of("system:node:n1", List.of("system:authenticated"));
		filter.filter(exchange(MockServerHttpRequest.get("/api/v1/pods"), lookalike), this.holding).subscribe();
		MockServerWebExchange refused = exchange(MockServerHttpRequest.get("/api/v1/pods"), lookalike);
		filter.filter(refused, this.holding).block();
		assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
	}

	@Test
	void aUserOverItsRateIsRefusedWhileOthersStillPass() {
		RequestLimitFilter filter = new RequestLimitFilter(new InFlightLimiter(0, 0), new TokenBuckets(1, 2, () -> 0),
				this.registry);
		WebFilterChain done = (exchange) -> Mono.empty();
		filter.filter(exchange(MockServerHttpRequest.get("/api/v1/pods"), JANE), done).block();
		filter.filter(exchange(MockServerHttpRequest.get("/api/v1/pods"), JANE), done).block();
		MockServerWebExchange third = exchange(MockServerHttpRequest.delete("/api/v1/namespaces/a/pods/p"), JANE);
		filter.filter(third, done).block();
		assertThat(third.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		MockServerWebExchange other = exchange(MockServerHttpRequest.get("/api/v1/pods"),
				UserInfo.of("joe", List.of()));
		filter.filter(other, done).block();
		assertThat(other.getResponse().getStatusCode()).isNull();
		assertThat(this.registry.get("stevedore.gateway.rejected.requests")
			.tag("reason", "ratelimit")
			.tag("request_kind", "mutating")
			.counter()
			.count()).isEqualTo(1);
	}

}
