package io.stevedore.gateway.authn;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stevedore.gateway.serviceaccount.BoundObject;
import io.stevedore.gateway.serviceaccount.InvalidTokenException;
import io.stevedore.gateway.serviceaccount.LiveObject;
import io.stevedore.gateway.serviceaccount.ObjectKind;
import io.stevedore.gateway.serviceaccount.ObjectLookup;
import io.stevedore.gateway.serviceaccount.ServiceAccountTokens;
import io.stevedore.gateway.serviceaccount.TokenClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * ServiceAccount JWTs, as kube-apiserver's service account authenticator: a token signed
 * by the cluster's key, for this issuer and an accepted audience, within its validity,
 * whose ServiceAccount (and bound pod or secret) still exists with the uid the token
 * names. The user is {@code system:serviceaccount:NS:NAME} in the groups
 * {@code system:serviceaccounts} and {@code system:serviceaccounts:NS}.
 * <p>
 * Every bearer token it cannot accept is refused, not passed over: a request carrying a
 * credential nobody accepts is a 401, never anonymous.
 */
public final class ServiceAccountTokenAuthenticator implements Authenticator {

	private static final Logger log = LoggerFactory.getLogger(ServiceAccountTokenAuthenticator.class);

	public static final String ALL_SERVICE_ACCOUNTS = "system:serviceaccounts";

	public static final String EXTRA_POD_NAME = "authentication.kubernetes.io/pod-name";

	public static final String EXTRA_POD_UID = "authentication.kubernetes.io/pod-uid";

	public static final String EXTRA_NODE_NAME = "authentication.kubernetes.io/node-name";

	public static final String EXTRA_NODE_UID = "authentication.kubernetes.io/node-uid";

	public static final String EXTRA_CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

	private final ServiceAccountTokens tokens;

	private final ObjectLookup objects;

	public ServiceAccountTokenAuthenticator(ServiceAccountTokens tokens, ObjectLookup objects) {
		this.tokens = tokens;
		this.objects = objects;
	}

	/** Blocks on the lookups: for callers off the event loop only (tests). */
	@Override
	public Authentication authenticate(ServerHttpRequest request) {
		return authenticateLater(request).block();
	}

	@Override
	public Mono<Authentication> authenticateLater(ServerHttpRequest request) {
		String token = BearerToken.of(request);
		return token == null ? Mono.just(Authentication.NO_CREDENTIALS) : authenticate(token);
	}

	public Mono<Authentication> authenticate(String token) {
		TokenClaims claims;
		try {
			claims = this.tokens.verify(token);
		}
		catch (InvalidTokenException ex) {
			return Mono.just(refused(ex.getMessage()));
		}
		return check(ObjectKind.SERVICE_ACCOUNT, claims.namespace(),
				new BoundObject(claims.serviceAccountName(), claims.serviceAccountUid()))
			.switchIfEmpty(
					Mono.defer(() -> claims.pod() != null ? check(ObjectKind.POD, claims.namespace(), claims.pod())
							: claims.secret() != null ? check(ObjectKind.SECRET, claims.namespace(), claims.secret())
									: Mono.empty()))
			.map(this::refused)
			.defaultIfEmpty(new Authentication.Authenticated(user(claims)))
			.onErrorResume((ex) -> {
				// Unknown is not valid: a token whose objects cannot be checked is
				// refused.
				log.warn("cannot check a ServiceAccount token's objects: {}", ex.toString());
				return Mono.just(refused("cannot check the token's objects: " + ex.getMessage()));
			});
	}

	/** Empty when the object exists with the token's uid; else why not. */
	private Mono<String> check(ObjectKind kind, String namespace, BoundObject expected) {
		return this.objects.get(kind, namespace, expected.name())
			.map((live) -> problem(kind, namespace, expected, live))
			.defaultIfEmpty(kind.resource() + " " + namespace + "/" + expected.name() + " has been deleted")
			.filter((problem) -> !problem.isEmpty());
	}

	private String problem(ObjectKind kind, String namespace, BoundObject expected, LiveObject live) {
		if (!expected.uid().equals(live.uid())) {
			return kind.resource() + " " + namespace + "/" + expected.name() + " UID (" + live.uid()
					+ ") does not match claim (" + expected.uid() + ")";
		}
		// Kubernetes honours a token during its object's graceful deletion for the
		// leeway.
		Instant deleting = live.deletionTimestamp();
		if (deleting != null && deleting.isBefore(this.tokens.clock().instant().minusSeconds(60))) {
			return kind.resource() + " " + namespace + "/" + expected.name() + " has been deleted";
		}
		return "";
	}

	private Authentication refused(String reason) {
		log.debug("ServiceAccount token refused: {}", reason);
		return new Authentication.Rejected("service account token: " + reason);
	}

	static UserInfo user(TokenClaims claims) {
		Map<String, List<String>> extra = new LinkedHashMap<>();
		if (claims.pod() != null) {
			extra.put(EXTRA_POD_NAME, List.of(claims.pod().name()));
			extra.put(EXTRA_POD_UID, List.of(claims.pod().uid()));
		}
		if (claims.node() != null) {
			extra.put(EXTRA_NODE_NAME, List.of(claims.node().name()));
			extra.put(EXTRA_NODE_UID, List.of(claims.node().uid()));
		}
		if (claims.id() != null && !claims.id().isEmpty()) {
			extra.put(EXTRA_CREDENTIAL_ID, List.of("JTI=" + claims.id()));
		}
		return new UserInfo(claims.subject(), claims.serviceAccountUid(),
				List.of(ALL_SERVICE_ACCOUNTS, ALL_SERVICE_ACCOUNTS + ":" + claims.namespace()), extra)
			.authenticated();
	}

}
