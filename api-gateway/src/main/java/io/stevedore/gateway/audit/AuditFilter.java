package io.stevedore.gateway.audit;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.AuthorizationFilter;
import io.stevedore.gateway.authz.Decision;
import io.stevedore.gateway.authz.RequestInfo;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Writes one {@code audit.k8s.io/v1} Event per API request at stage ResponseComplete,
 * refused ones (400/401/403) included. Outermost filter, so it sees every outcome.
 * Metadata level only: no request or response body is ever written, so no Secret's data
 * reaches the log. Health probes are not logged (Kubernetes' default policies drop them).
 * Every response carries the event's {@code Audit-Id} header, as kube-apiserver's does.
 */
public final class AuditFilter implements WebFilter, Ordered {

	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private static final List<String> UNAUDITED_PATHS = List.of("/healthz", "/livez", "/readyz", "/version");

	private final AuditLog log;

	private final AuditLevel level;

	private final Clock clock;

	public AuditFilter(AuditLog log, AuditLevel level, Clock clock) {
		this.log = log;
		this.level = level;
		this.clock = clock;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (this.level == AuditLevel.None || AuthenticationFilter.isActuator(path) || isUnaudited(path)) {
			return chain.filter(exchange);
		}
		String auditId = UUID.randomUUID().toString();
		Instant received = this.clock.instant();
		exchange.getResponse().getHeaders().set("Audit-Id", auditId);
		return chain.filter(exchange).doFinally((signal) -> this.log.write(event(exchange, auditId, received)));
	}

	private static boolean isUnaudited(String path) {
		for (String prefix : UNAUDITED_PATHS) {
			if (path.equals(prefix) || path.startsWith(prefix + "/")) {
				return true;
			}
		}
		return false;
	}

	Map<String, Object> event(ServerWebExchange exchange, String auditId, Instant received) {
		ServerHttpRequest request = exchange.getRequest();
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("kind", "Event");
		event.put("apiVersion", "audit.k8s.io/v1");
		event.put("level", this.level.name());
		event.put("auditID", auditId);
		event.put("stage", "ResponseComplete");
		event.put("requestURI", request.getURI().getRawPath()
				+ (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()));
		RequestInfo info = exchange.getAttribute(AuthorizationFilter.REQUEST_INFO);
		event.put("verb", info != null ? info.verb() : request.getMethod().name().toLowerCase(java.util.Locale.ROOT));
		UserInfo impersonator = exchange.getAttribute(AuthorizationFilter.IMPERSONATOR);
		UserInfo user = exchange.getAttribute(AuthenticationFilter.USER);
		if (impersonator != null) {
			event.put("user", userInfo(impersonator));
			event.put("impersonatedUser", userInfo(user));
		}
		else if (user != null) {
			event.put("user", userInfo(user));
		}
		else {
			event.put("user", Map.of());
		}
		InetSocketAddress remote = request.getRemoteAddress();
		if (remote != null && remote.getAddress() != null) {
			event.put("sourceIPs", List.of(remote.getAddress().getHostAddress()));
		}
		String agent = request.getHeaders().getFirst("User-Agent");
		if (agent != null) {
			event.put("userAgent", agent);
		}
		if (info != null && info.resourceRequest()) {
			Map<String, Object> ref = new LinkedHashMap<>();
			ref.put("resource", info.resource());
			putIfNotEmpty(ref, "namespace", info.namespace());
			putIfNotEmpty(ref, "name", info.name());
			ref.put("apiGroup", info.apiGroup());
			putIfNotEmpty(ref, "apiVersion", info.apiVersion());
			putIfNotEmpty(ref, "subresource", info.subresource());
			event.put("objectRef", ref);
		}
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		event.put("responseStatus", Map.of("metadata", Map.of(), "code", status == null ? 200 : status.value()));
		event.put("requestReceivedTimestamp", received.toString());
		event.put("stageTimestamp", this.clock.instant().toString());
		Decision decision = exchange.getAttribute(AuthorizationFilter.DECISION);
		if (decision != null) {
			Map<String, String> annotations = new LinkedHashMap<>();
			annotations.put("authorization.k8s.io/decision", decision.allowed() ? "allow" : "forbid");
			annotations.put("authorization.k8s.io/reason", decision.reason());
			event.put("annotations", annotations);
		}
		return event;
	}

	private static Map<String, Object> userInfo(UserInfo user) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("username", user.name());
		putIfNotEmpty(map, "uid", user.uid());
		map.put("groups", user.groups());
		return map;
	}

	private static void putIfNotEmpty(Map<String, Object> map, String key, String value) {
		if (value != null && !value.isEmpty()) {
			map.put(key, value);
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
