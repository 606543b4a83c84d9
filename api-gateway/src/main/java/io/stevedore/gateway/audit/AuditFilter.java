package io.stevedore.gateway.audit;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.AuthorizationFilter;
import io.stevedore.gateway.authz.RequestInfo;
import io.stevedore.gateway.authz.RequestInfoParser;
import io.stevedore.gateway.routing.LongRunningRequests;
import io.stevedore.gateway.status.StatusResponses;
import io.stevedore.machinery.protobuf.ProtobufBodies;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Writes {@code audit.k8s.io/v1} Events as the {@link AuditPolicy} says, refused requests
 * (400/401/403/429) included: outermost filter, so it sees every outcome. Every response
 * carries the request's {@code Audit-Id} header, as kube-apiserver's does.
 *
 * <pre>
 * request ─▶ [body copy if the policy may log bodies] ─▶ authn ─▶ limits ─▶ authz ─▶ route
 *              response commits ─▶ policy decided (user and verb are known now)
 *                                  ─▶ RequestReceived, ResponseStarted (long-running only)
 *              exchange ends ─────▶ ResponseComplete (with bodies at Request/RequestResponse) or Panic
 * </pre>
 *
 * The level is decided when the response starts, because only then are the user (after
 * authentication) and the verb (after authorization) known; the RequestReceived event is
 * written then too, with the time the request arrived as its timestamps. Secret,
 * ConfigMap and TokenRequest bodies are never copied, let alone written (see
 * {@link AuditPolicy}).
 */
public final class AuditFilter implements WebFilter, Ordered {

	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private final AuditLog log;

	private final AuditPolicy policy;

	private final Clock clock;

	private final boolean policyLogsBodies;

	public AuditFilter(AuditLog log, AuditPolicy policy, Clock clock) {
		this.log = log;
		this.policy = policy;
		this.clock = clock;
		this.policyLogsBodies = policy.rules().stream().anyMatch((rule) -> rule.level().atLeast(AuditLevel.Request));
	}

	/**
	 * One request's audit state; touched by the commit hook, then by the final signal.
	 */
	private static final class Audited {

		final String auditId;

		final Instant received;

		final boolean longRunning;

		final BodyCapture bodies;

		AuditPolicy.Decision decision;

		Throwable error;

		Audited(String auditId, Instant received, boolean longRunning, BodyCapture bodies) {
			this.auditId = auditId;
			this.received = received;
			this.longRunning = longRunning;
			this.bodies = bodies;
		}

	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (AuthenticationFilter.isActuator(request.getPath().value())) {
			return chain.filter(exchange);
		}
		String auditId = AuditIds.next();
		exchange.getResponse().getHeaders().set("Audit-Id", auditId);
		boolean longRunning = LongRunningRequests.isLongRunning(request);
		boolean copyBodies = this.policyLogsBodies && !longRunning
				&& !AuditPolicy.bodiesAreSecret(requestInfo(exchange));
		Audited audited = new Audited(auditId, this.clock.instant(), longRunning,
				copyBodies ? new BodyCapture() : null);
		ServerWebExchange observed = copyBodies ? audited.bodies.decorate(exchange) : exchange;
		observed.getResponse().beforeCommit(() -> {
			started(observed, audited);
			return Mono.empty();
		});
		return chain.filter(observed)
			.doOnError((error) -> audited.error = error)
			.doFinally((signal) -> completed(observed, audited));
	}

	private void started(ServerWebExchange exchange, Audited audited) {
		synchronized (audited) {
			if (audited.decision != null) {
				return;
			}
			UserInfo user = exchange.getAttribute(AuthenticationFilter.USER);
			audited.decision = this.policy.evaluate(user, requestInfo(exchange));
			if (audited.decision.writes(AuditStage.RequestReceived)) {
				write(exchange, audited, AuditStage.RequestReceived, audited.received);
			}
			if (audited.longRunning && audited.decision.writes(AuditStage.ResponseStarted)) {
				write(exchange, audited, AuditStage.ResponseStarted, this.clock.instant());
			}
		}
	}

	private void completed(ServerWebExchange exchange, Audited audited) {
		started(exchange, audited);
		AuditStage stage = audited.error != null ? AuditStage.Panic : AuditStage.ResponseComplete;
		if (audited.decision.writes(stage)) {
			write(exchange, audited, stage, this.clock.instant());
		}
	}

	/**
	 * The authorizer's view of the request, or the same parsed here when it never ran.
	 */
	private static RequestInfo requestInfo(ServerWebExchange exchange) {
		RequestInfo info = exchange.getAttribute(AuthorizationFilter.REQUEST_INFO);
		if (info != null) {
			return info;
		}
		ServerHttpRequest request = exchange.getRequest();
		return RequestInfoParser.parse(request.getMethod().name(), request.getPath().value(), request.getQueryParams());
	}

	/**
	 * Writes the event of that stage: by Jackson from AuditEvents' map when it carries
	 * bodies, else by hand ({@link AuditJson}, the same line at a fraction of the cost).
	 */
	private void write(ServerWebExchange exchange, Audited audited, AuditStage stage, Instant at) {
		ServerHttpRequest request = exchange.getRequest();
		InetSocketAddress remote = request.getRemoteAddress();
		String sourceIp = remote != null && remote.getAddress() != null ? remote.getAddress().getHostAddress() : null;
		AuditEvents.Request facts = new AuditEvents.Request(audited.auditId, audited.received,
				request.getMethod().name(),
				request.getURI().getRawPath()
						+ (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery()),
				requestInfo(exchange), exchange.getAttribute(AuthenticationFilter.USER),
				exchange.getAttribute(AuthorizationFilter.IMPERSONATOR), sourceIp,
				request.getHeaders().getFirst("User-Agent"), exchange.getAttribute(AuthorizationFilter.DECISION));
		Integer code = null;
		if (stage != AuditStage.RequestReceived) {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			code = stage == AuditStage.Panic ? 500 : status == null ? 200 : status.value();
		}
		AuditPolicy.Decision decision = audited.decision;
		if (audited.bodies == null || (stage != AuditStage.ResponseComplete && stage != AuditStage.Panic)
				|| !decision.level().atLeast(AuditLevel.Request)) {
			this.log.write(facts, decision, stage, at, code);
			return;
		}
		this.log.write(AuditEvents.event(facts, decision, stage, at, code, (event) -> {
			putObject(event, "requestObject", audited.bodies.requestBody(),
					request.getHeaders().getFirst("Content-Type"), decision.omitManagedFields());
			if (stage == AuditStage.ResponseComplete && decision.level().atLeast(AuditLevel.RequestResponse)) {
				putObject(event, "responseObject", audited.bodies.responseBody(),
						exchange.getResponse().getHeaders().getFirst("Content-Type"), decision.omitManagedFields());
			}
		}));
	}

	/**
	 * A body as the object it is (Kubernetes logs objects, not strings): JSON as it came,
	 * protobuf (kubectl's typed client sends it) decoded to JSON; a body that decodes as
	 * neither is left out.
	 */
	private static void putObject(Map<String, Object> event, String field, byte[] body, String contentType,
			boolean omitManagedFields) {
		if (body == null) {
			return;
		}
		try {
			JsonNode node = ProtobufBodies.isProtobuf(contentType) ? ProtobufBodies.decode(body)
					: StatusResponses.JSON.readTree(body);
			if (node == null || !node.isContainerNode()) {
				return;
			}
			if (omitManagedFields) {
				dropManagedFields(node);
				node.path("items").forEach(AuditFilter::dropManagedFields);
			}
			event.put(field, node);
		}
		catch (java.io.IOException | RuntimeException ex) {
			// not an object we can read: nothing to log
		}
	}

	private static void dropManagedFields(JsonNode object) {
		if (object.path("metadata") instanceof ObjectNode metadata) {
			metadata.remove("managedFields");
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
