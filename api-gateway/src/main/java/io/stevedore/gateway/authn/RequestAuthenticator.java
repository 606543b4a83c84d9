package io.stevedore.gateway.authn;

import java.util.List;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Kubernetes' union of authenticators with anonymous last: the first authenticator that
 * recognises a credential decides; a credential every authenticator refuses is a 401
 * (never anonymous access); a request with no credential is {@code system:anonymous}.
 */
public final class RequestAuthenticator {

	private final List<Authenticator> authenticators;

	public RequestAuthenticator(List<Authenticator> authenticators) {
		this.authenticators = List.copyOf(authenticators);
	}

	public Authentication authenticate(ServerHttpRequest request) {
		Authentication.Rejected rejected = null;
		for (Authenticator authenticator : this.authenticators) {
			Authentication result = authenticator.authenticate(request);
			if (result instanceof Authentication.Authenticated) {
				return result;
			}
			if (result instanceof Authentication.Rejected refusal && rejected == null) {
				rejected = refusal;
			}
		}
		return rejected != null ? rejected : new Authentication.Authenticated(UserInfo.ANONYMOUS_USER);
	}

}
