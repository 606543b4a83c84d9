package io.stevedore.gateway.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.Decision;
import io.stevedore.gateway.authz.RequestInfo;

/**
 * The {@code audit.k8s.io/v1} Event of one stage, field by field in Kubernetes' order:
 * shared by {@link AuditFilter} and the gateway's fast path, so both write the same line
 * for the same request.
 */
public final class AuditEvents {

	private AuditEvents() {
	}

	/**
	 * What is known of a request when its events are written.
	 *
	 * @param requestUri raw path and query
	 * @param info the authorizer's view (null only when it cannot be parsed)
	 * @param user who made it (null before authentication)
	 * @param impersonator who made it when it impersonated {@code user}, else null
	 * @param sourceIp the client's address, or null
	 * @param userAgent its User-Agent, or null
	 * @param authorization the authorizer's decision, null when it never ran
	 */
	public record Request(String auditId, Instant received, String method, String requestUri, RequestInfo info,
			UserInfo user, UserInfo impersonator, String sourceIp, String userAgent, Decision authorization) {
	}

	/**
	 * @param code the response status, null for RequestReceived
	 * @param bodies adds requestObject/responseObject where Kubernetes puts them; may be
	 * null
	 */
	public static Map<String, Object> event(Request request, AuditPolicy.Decision decision, AuditStage stage,
			Instant at, Integer code, Consumer<Map<String, Object>> bodies) {
		RequestInfo info = request.info();
		Map<String, Object> event = new LinkedHashMap<>();
		event.put("kind", "Event");
		event.put("apiVersion", "audit.k8s.io/v1");
		event.put("level", decision.level().name());
		event.put("auditID", request.auditId());
		event.put("stage", stage.name());
		event.put("requestURI", request.requestUri());
		event.put("verb", info != null ? info.verb() : request.method().toLowerCase(Locale.ROOT));
		if (request.impersonator() != null) {
			event.put("user", userInfo(request.impersonator()));
			event.put("impersonatedUser", userInfo(request.user()));
		}
		else if (request.user() != null) {
			event.put("user", userInfo(request.user()));
		}
		else {
			event.put("user", Map.of());
		}
		if (request.sourceIp() != null) {
			event.put("sourceIPs", List.of(request.sourceIp()));
		}
		if (request.userAgent() != null) {
			event.put("userAgent", request.userAgent());
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
		if (code != null) {
			event.put("responseStatus", Map.of("metadata", Map.of(), "code", code));
		}
		if (bodies != null) {
			bodies.accept(event);
		}
		event.put("requestReceivedTimestamp", request.received().toString());
		event.put("stageTimestamp", at.toString());
		Decision authorization = request.authorization();
		if (authorization != null) {
			Map<String, String> annotations = new LinkedHashMap<>();
			annotations.put("authorization.k8s.io/decision", authorization.allowed() ? "allow" : "forbid");
			annotations.put("authorization.k8s.io/reason", authorization.reason());
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

}
