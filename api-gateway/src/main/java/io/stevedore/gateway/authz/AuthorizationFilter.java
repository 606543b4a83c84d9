package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.IdentityHeaders;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Second stage: impersonation (only with the {@code impersonate} verb on the users and
 * groups named), then RBAC on the request's attributes; a denial is kube-apiserver's 403
 * Status. An allowed request continues with the identity headers set for the apiserver.
 * Records the {@link RequestInfo} under {@link #REQUEST_INFO} and the decision under
 * {@link #DECISION} for the audit log.
 */
public final class AuthorizationFilter implements WebFilter, Ordered {

	public static final String REQUEST_INFO = RequestInfo.class.getName();

	public static final String DECISION = Decision.class.getName();

	/** The user a request was made by when it impersonated another. */
	public static final String IMPERSONATOR = AuthorizationFilter.class.getName() + ".impersonator";

	public static final int ORDER = AuthenticationFilter.ORDER + 100;

	private final RbacAuthorizer authorizer;

	public AuthorizationFilter(RbacAuthorizer authorizer) {
		this.authorizer = authorizer;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		UserInfo user = exchange.getAttribute(AuthenticationFilter.USER);
		if (user == null) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest();
		String impersonatedUser = request.getHeaders().getFirst("Impersonate-User");
		List<String> impersonatedGroups = request.getHeaders().getOrEmpty("Impersonate-Group");
		if (impersonatedUser != null || !impersonatedGroups.isEmpty()) {
			if (impersonatedUser == null) {
				return StatusResponses.write(exchange.getResponse(), StatusResponses.failure(400, "BadRequest",
						"requested [Impersonate-Group] without impersonating a user", null));
			}
			for (RequestInfo check : impersonationChecks(impersonatedUser, impersonatedGroups)) {
				if (!this.authorizer.authorize(user, check).allowed()) {
					return StatusResponses.write(exchange.getResponse(), ForbiddenMessages.forbidden(user, check));
				}
			}
			exchange.getAttributes().put(IMPERSONATOR, user);
			user = impersonated(impersonatedUser, impersonatedGroups);
			exchange.getAttributes().put(AuthenticationFilter.USER, user);
		}
		RequestInfo info = RequestInfoParser.parse(request.getMethod().name(), request.getPath().value(),
				request.getQueryParams());
		exchange.getAttributes().put(REQUEST_INFO, info);
		Decision decision = this.authorizer.authorize(user, info);
		exchange.getAttributes().put(DECISION, decision);
		if (!decision.allowed()) {
			return StatusResponses.write(exchange.getResponse(),
					ForbiddenMessages.forbidden(user, info, decision.reason()));
		}
		ServerHttpRequest forwarded = IdentityHeaders.apply(request, user);
		return chain.filter(exchange.mutate().request(forwarded).build());
	}

	private static List<RequestInfo> impersonationChecks(String user, List<String> groups) {
		List<RequestInfo> checks = new ArrayList<>();
		checks.add(user.startsWith("system:serviceaccount:") ? serviceAccountCheck(user)
				: RequestInfo.resource("impersonate", "", "", "users", "", user));
		for (String group : groups) {
			checks.add(RequestInfo.resource("impersonate", "", "", "groups", "", group));
		}
		return checks;
	}

	private static RequestInfo serviceAccountCheck(String user) {
		String[] parts = user.split(":");
		String namespace = parts.length > 2 ? parts[2] : "";
		String name = parts.length > 3 ? parts[3] : "";
		return RequestInfo.resource("impersonate", "", namespace, "serviceaccounts", "", name);
	}

	private static UserInfo impersonated(String name, List<String> groups) {
		UserInfo user = new UserInfo(name, "", groups, Map.of());
		return UserInfo.ANONYMOUS.equals(name) ? user : user.authenticated();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
