package io.stevedore.gateway.fastpath;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.stevedore.gateway.audit.AuditEvents;
import io.stevedore.gateway.audit.AuditIds;
import io.stevedore.gateway.audit.AuditLevel;
import io.stevedore.gateway.audit.AuditLog;
import io.stevedore.gateway.audit.AuditPolicy;
import io.stevedore.gateway.audit.AuditStage;
import io.stevedore.gateway.authn.Authentication;
import io.stevedore.gateway.authn.RequestAuthenticator;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.Decision;
import io.stevedore.gateway.authz.ForbiddenMessages;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.authz.RequestInfo;
import io.stevedore.gateway.authz.RequestInfoParser;
import io.stevedore.gateway.limits.RequestLimitFilter;
import io.stevedore.gateway.routing.UpstreamPool;
import io.stevedore.gateway.status.StatusResponses;

import org.springframework.util.CollectionUtils;

/**
 * What the fast path needs of the gateway, and its decision on one eligible request, made
 * synchronously in the order of the reactive filters: authentication (from memory only),
 * limits, RBAC. Anything that would need a lookup, a body in the audit log or a node's
 * live pod check is left to the reactive path, before any side effect.
 *
 * <p>
 * Metric: {@code stevedore_gateway_fast_path_requests_total{path=fast|reactive}} (API
 * requests the fast path saw).
 */
public final class FastPath {

	static final String NODES = "system:nodes";

	final RequestAuthenticator authenticator;

	final RequestLimitFilter limits;

	final RbacAuthorizer authorizer;

	final AuditLog auditLog;

	final AuditPolicy auditPolicy;

	final Clock clock;

	final UpstreamPool pool;

	final UpstreamChannels channels;

	final Duration responseTimeout;

	private final Counter fast;

	private final Counter reactive;

	FastPath(RequestAuthenticator authenticator, RequestLimitFilter limits, RbacAuthorizer authorizer,
			AuditLog auditLog, AuditPolicy auditPolicy, Clock clock, UpstreamPool pool, UpstreamChannels channels,
			Duration responseTimeout, MeterRegistry registry) {
		this.authenticator = authenticator;
		this.limits = limits;
		this.authorizer = authorizer;
		this.auditLog = auditLog;
		this.auditPolicy = auditPolicy;
		this.clock = clock;
		this.pool = pool;
		this.channels = channels;
		this.responseTimeout = responseTimeout;
		this.fast = registry == null ? null : counter(registry, "fast");
		this.reactive = registry == null ? null : counter(registry, "reactive");
	}

	private static Counter counter(MeterRegistry registry, String path) {
		return Counter.builder("stevedore.gateway.fast.path.requests")
			.description("API requests the fast path answered itself (fast) or left to the reactive path.")
			.tag("path", path)
			.register(registry);
	}

	/** What to do with a request. */
	sealed interface Verdict {

	}

	/** The reactive path takes it, untouched. */
	record FallThrough() implements Verdict {

	}

	static final FallThrough FALL_THROUGH = new FallThrough();

	/**
	 * Answered here with a Status (401, 429, 403).
	 *
	 * @param retryAfter a 429's {@code Retry-After: 1}
	 */
	record Refuse(Status status, boolean retryAfter, AuditEvents.Request audit,
			AuditPolicy.Decision level) implements Verdict {

	}

	/**
	 * Proxied for {@code user}.
	 *
	 * @param slot an in-flight slot to give back at the end
	 */
	record Proxy(UserInfo user, boolean mutating, boolean slot, AuditEvents.Request audit,
			AuditPolicy.Decision level) implements Verdict {

	}

	/**
	 * @param certificate the X.509 authenticator's verdict on the connection's client
	 * certificate
	 */
	Verdict decide(HttpRequest request, QueryStringDecoder target, Authentication certificate, String sourceIp) {
		Instant received = this.clock.instant();
		Authentication authentication = this.authenticator.authenticateNow(certificate,
				request.headers().get(HttpHeaderNames.AUTHORIZATION));
		if (authentication == null) {
			return FALL_THROUGH;
		}
		UserInfo user = authentication instanceof Authentication.Authenticated accepted ? accepted.user() : null;
		if (user != null && user.groups().contains(NODES)) {
			// the Node authorizer may read the node's pods: not on the event loop
			return FALL_THROUGH;
		}
		String method = request.method().name();
		RequestInfo info = RequestInfoParser.parse(method, target.rawPath(),
				CollectionUtils.toMultiValueMap(target.parameters()));
		AuditPolicy.Decision level = this.auditPolicy.evaluate(user, info);
		if (level.level().atLeast(AuditLevel.Request)) {
			return FALL_THROUGH;
		}
		AuditEvents.Request audit = new AuditEvents.Request(AuditIds.next(), received, method, request.uri(), info,
				user, null, sourceIp, request.headers().get(HttpHeaderNames.USER_AGENT), null);
		if (user == null) {
			return new Refuse(StatusResponses.unauthorized(), false, audit, level);
		}
		boolean mutating = RequestLimitFilter.isMutating(method);
		RequestLimitFilter.Admission admission = this.limits.admit(user, mutating);
		if (admission == RequestLimitFilter.Admission.REFUSED) {
			return new Refuse(RequestLimitFilter.tooManyRequests(), true, audit, level);
		}
		boolean slot = admission == RequestLimitFilter.Admission.ADMITTED;
		Decision decision = this.authorizer.authorize(user, info);
		audit = withDecision(audit, decision);
		if (!decision.allowed()) {
			if (slot) {
				this.limits.release(mutating);
			}
			return new Refuse(ForbiddenMessages.forbidden(user, info, decision.reason()), false, audit, level);
		}
		return new Proxy(user, mutating, slot, audit, level);
	}

	private static AuditEvents.Request withDecision(AuditEvents.Request audit, Decision decision) {
		return new AuditEvents.Request(audit.auditId(), audit.received(), audit.method(), audit.requestUri(),
				audit.info(), audit.user(), audit.impersonator(), audit.sourceIp(), audit.userAgent(), decision);
	}

	/** The events AuditFilter writes for a short request that ended with {@code code}. */
	void audit(AuditEvents.Request request, AuditPolicy.Decision level, int code) {
		if (level.writes(AuditStage.RequestReceived)) {
			this.auditLog.write(request, level, AuditStage.RequestReceived, request.received(), null);
		}
		if (level.writes(AuditStage.ResponseComplete)) {
			this.auditLog.write(request, level, AuditStage.ResponseComplete, this.clock.instant(), code);
		}
	}

	void countFast() {
		if (this.fast != null) {
			this.fast.increment();
		}
	}

	void countReactive() {
		if (this.reactive != null) {
			this.reactive.increment();
		}
	}

}
