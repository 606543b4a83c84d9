package io.stevedore.gateway.authn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
public final class ServiceAccountTokenAuthenticator implements BearerTokenAuthenticator {

	private static final Logger log = LoggerFactory.getLogger(ServiceAccountTokenAuthenticator.class);

	public static final String ALL_SERVICE_ACCOUNTS = "system:serviceaccounts";

	public static final String EXTRA_POD_NAME = "authentication.kubernetes.io/pod-name";

	public static final String EXTRA_POD_UID = "authentication.kubernetes.io/pod-uid";

	public static final String EXTRA_NODE_NAME = "authentication.kubernetes.io/node-name";

	public static final String EXTRA_NODE_UID = "authentication.kubernetes.io/node-uid";

	public static final String EXTRA_CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

	/**
	 * Above this many cached tokens, expired ones are dropped (and all, if that is not
	 * enough).
	 */
	static final int MAX_CACHED_TOKENS = 10_000;

	private final ServiceAccountTokens tokens;

	private final ObjectLookup objects;

	private final Duration successTtl;

	private final ConcurrentHashMap<String, Accepted> accepted = new ConcurrentHashMap<>();

	public ServiceAccountTokenAuthenticator(ServiceAccountTokens tokens, ObjectLookup objects) {
		this(tokens, objects, Duration.ZERO);
	}

	/**
	 * @param successTtl how long an accepted token is accepted again without checking, as
	 * kube-apiserver caches token authentication successes (10s there): a signature check
	 * costs far more than a hash. Zero checks every time.
	 */
	public ServiceAccountTokenAuthenticator(ServiceAccountTokens tokens, ObjectLookup objects, Duration successTtl) {
		this.tokens = tokens;
		this.objects = objects;
		this.successTtl = successTtl;
	}

	@Override
	public Mono<Authentication> authenticate(String token) {
		if (this.successTtl.isZero() || this.successTtl.isNegative()) {
			return check(token, null);
		}
		String key = digest(token);
		UserInfo known = cached(key);
		return known != null ? Mono.just(new Authentication.Authenticated(known)) : check(token, key);
	}

	/**
	 * A token accepted within the success TTL is accepted from memory, one that is no
	 * valid token of this issuer (a wrong static token, say) refused at once; a valid one
	 * needs its objects looked up, so it is left to {@link #authenticate(String)}.
	 */
	@Override
	public Authentication authenticateNow(String token) {
		if (token == null) {
			return Authentication.NO_CREDENTIALS;
		}
		if (!this.successTtl.isZero() && !this.successTtl.isNegative()) {
			UserInfo known = cached(digest(token));
			if (known != null) {
				return new Authentication.Authenticated(known);
			}
		}
		try {
			this.tokens.verify(token);
			return null;
		}
		catch (InvalidTokenException ex) {
			return refused(ex.getMessage());
		}
	}

	/** The user of a token accepted within the success TTL, else null. */
	private UserInfo cached(String key) {
		Accepted hit = this.accepted.get(key);
		return hit != null && this.tokens.clock().instant().isBefore(hit.until()) ? hit.user() : null;
	}

	private void remember(String key, UserInfo user, Instant tokenExpires) {
		Instant now = this.tokens.clock().instant();
		if (this.accepted.size() >= MAX_CACHED_TOKENS) {
			this.accepted.values().removeIf((entry) -> !now.isBefore(entry.until()));
			if (this.accepted.size() >= MAX_CACHED_TOKENS) {
				this.accepted.clear();
			}
		}
		// Never past the token's own expiry.
		Instant until = now.plus(this.successTtl);
		this.accepted.put(key, new Accepted(user, until.isBefore(tokenExpires) ? until : tokenExpires));
	}

	/**
	 * @param cacheKey where an acceptance is remembered; null for nowhere
	 */
	private Mono<Authentication> check(String token, String cacheKey) {
		TokenClaims claims;
		try {
			claims = this.tokens.verify(token);
		}
		catch (InvalidTokenException ex) {
			return Mono.just(refused(ex.getMessage()));
		}
		return check(ObjectKind.SERVICE_ACCOUNT, claims.namespace(),
				new BoundObject(claims.serviceAccountName(), claims.serviceAccountUid()))
			.switchIfEmpty(Mono.defer(() -> claims.pod() != null
					? check(ObjectKind.POD, claims.namespace(), claims.pod()) : claims.secret() != null
							? check(ObjectKind.SECRET, claims.namespace(), claims.secret()) : Mono.empty()))
			.map(this::refused)
			.switchIfEmpty(Mono.fromSupplier(() -> {
				UserInfo user = user(claims);
				if (cacheKey != null) {
					remember(cacheKey, user, claims.expiresAt());
				}
				return new Authentication.Authenticated(user);
			}))
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

	private static String digest(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Accepted(UserInfo user, Instant until) {
	}

}
