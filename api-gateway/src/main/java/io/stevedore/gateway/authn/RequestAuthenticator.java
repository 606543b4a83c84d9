package io.stevedore.gateway.authn;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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

	/**
	 * The same union without the client certificate authenticator: what a bearer token
	 * alone proves (TokenReview), whatever connection carries the question.
	 */
	public RequestAuthenticator tokensOnly() {
		return new RequestAuthenticator(this.authenticators.stream()
			.filter((authenticator) -> !(authenticator instanceof X509Authenticator))
			.toList());
	}

	public Authentication authenticate(ServerHttpRequest request) {
		List<Authentication> results = new ArrayList<>();
		for (Authenticator authenticator : this.authenticators) {
			Authentication result = authenticator.authenticate(request);
			results.add(result);
			if (result instanceof Authentication.Authenticated) {
				break;
			}
		}
		return decide(results);
	}

	/**
	 * The same union for the request pipeline, without blocking: authenticators are asked
	 * in order until one accepts.
	 */
	public Mono<Authentication> authenticateLater(ServerHttpRequest request) {
		return Flux.fromIterable(this.authenticators)
			.concatMap((authenticator) -> authenticator.authenticateLater(request))
			.takeUntil((result) -> result instanceof Authentication.Authenticated)
			.collectList()
			.map(RequestAuthenticator::decide);
	}

	/**
	 * The X.509 authenticator's verdict on a client certificate (null: none presented):
	 * what {@link #authenticateNow} takes, so a caller can keep it for the connection.
	 */
	public Authentication certificate(X509Certificate certificate) {
		if (certificate == null) {
			return Authentication.NO_CREDENTIALS;
		}
		for (Authenticator authenticator : this.authenticators) {
			if (authenticator instanceof X509Authenticator x509) {
				return x509.authenticate(certificate);
			}
		}
		return Authentication.NO_CREDENTIALS;
	}

	/**
	 * The same union without any lookup, for the fast path on the event loop: null when
	 * an authenticator needs one (an unknown ServiceAccount or bootstrap token).
	 * @param certificate the verdict of {@link #certificate} on the connection's client
	 * certificate
	 * @param authorization the request's {@code Authorization} header, or null
	 */
	public Authentication authenticateNow(Authentication certificate, String authorization) {
		String token = BearerToken.parse(authorization);
		List<Authentication> results = new ArrayList<>(2);
		for (Authenticator authenticator : this.authenticators) {
			Authentication result = authenticator instanceof X509Authenticator ? certificate
					: authenticator.authenticateNow(token);
			if (result == null) {
				return null;
			}
			results.add(result);
			if (result instanceof Authentication.Authenticated) {
				break;
			}
		}
		return decide(results);
	}

	private static Authentication decide(List<Authentication> results) {
		Authentication.Rejected rejected = null;
		for (Authentication result : results) {
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
