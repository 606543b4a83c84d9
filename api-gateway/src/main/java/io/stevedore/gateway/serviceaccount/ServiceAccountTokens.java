package io.stevedore.gateway.serviceaccount;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stevedore.gateway.pki.ServiceAccountKeys;

/**
 * Signs and verifies ServiceAccount tokens (RS256 JWTs) with the cluster's
 * {@link ServiceAccountKeys}, with kube-apiserver's claims. Verification here is the
 * cryptographic and time part only; whether the named objects still exist is the
 * authenticator's business.
 */
public final class ServiceAccountTokens {

	static final String KUBERNETES_CLAIM = "kubernetes.io";

	/**
	 * go-jose's default leeway, which kube-apiserver's validator uses for exp, nbf, iat.
	 */
	static final Duration LEEWAY = Duration.ofMinutes(1);

	private final ServiceAccountKeys keys;

	private final String issuer;

	private final List<String> acceptedAudiences;

	private final Clock clock;

	private final RSASSAVerifier verifier;

	/**
	 * @param issuer the {@code iss} of every token issued, the only one accepted
	 * @param acceptedAudiences kube-apiserver's {@code --api-audiences}: a token must
	 * name at least one
	 */
	public ServiceAccountTokens(ServiceAccountKeys keys, String issuer, List<String> acceptedAudiences, Clock clock) {
		this.keys = keys;
		this.issuer = issuer;
		this.acceptedAudiences = List.copyOf(acceptedAudiences);
		this.clock = clock;
		this.verifier = new RSASSAVerifier(keys.publicKey());
	}

	public String issuer() {
		return this.issuer;
	}

	public List<String> acceptedAudiences() {
		return this.acceptedAudiences;
	}

	public Clock clock() {
		return this.clock;
	}

	public String sign(TokenClaims claims) {
		Map<String, Object> kubernetes = new LinkedHashMap<>();
		kubernetes.put("namespace", claims.namespace());
		kubernetes.put("serviceaccount", ref(new BoundObject(claims.serviceAccountName(), claims.serviceAccountUid())));
		if (claims.pod() != null) {
			kubernetes.put("pod", ref(claims.pod()));
		}
		if (claims.secret() != null) {
			kubernetes.put("secret", ref(claims.secret()));
		}
		if (claims.node() != null) {
			kubernetes.put("node", ref(claims.node()));
		}
		JWTClaimsSet set = new JWTClaimsSet.Builder().issuer(claims.issuer())
			.subject(claims.subject())
			.audience(claims.audiences())
			.expirationTime(Date.from(claims.expiresAt()))
			.issueTime(Date.from(claims.issuedAt()))
			.notBeforeTime(Date.from(claims.issuedAt()))
			.jwtID(claims.id())
			.claim(KUBERNETES_CLAIM, kubernetes)
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.keys.keyId()).build(), set);
		try {
			jwt.sign(new RSASSASigner(this.keys.privateKey()));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("cannot sign a ServiceAccount token", ex);
		}
		return jwt.serialize();
	}

	private static Map<String, Object> ref(BoundObject object) {
		Map<String, Object> ref = new LinkedHashMap<>();
		ref.put("name", object.name());
		ref.put("uid", object.uid());
		return ref;
	}

	/**
	 * Checks signature, algorithm, issuer, audience and validity period.
	 * @throws InvalidTokenException naming the first check that failed
	 */
	public TokenClaims verify(String token) throws InvalidTokenException {
		SignedJWT jwt;
		try {
			// Refuses unsigned (alg=none) tokens: they are not JWS objects.
			jwt = SignedJWT.parse(token);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("not a signed JWT: " + ex.getMessage());
		}
		// Only what this cluster issues: an HS256 token "signed" with the public key, or
		// any other algorithm, is refused before its signature is looked at.
		JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
		if (!JWSAlgorithm.RS256.equals(algorithm)) {
			throw new InvalidTokenException("unexpected signing algorithm " + algorithm);
		}
		try {
			if (!jwt.verify(this.verifier)) {
				throw new InvalidTokenException("invalid signature");
			}
		}
		catch (JOSEException ex) {
			throw new InvalidTokenException("invalid signature: " + ex.getMessage());
		}
		JWTClaimsSet set;
		try {
			set = jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("invalid claims: " + ex.getMessage());
		}
		if (!this.issuer.equals(set.getIssuer())) {
			throw new InvalidTokenException("issuer " + set.getIssuer() + " is not " + this.issuer);
		}
		List<String> audiences = set.getAudience();
		if (audiences.stream().noneMatch(this.acceptedAudiences::contains)) {
			throw new InvalidTokenException(
					"token audiences " + audiences + " are invalid for the target audiences " + this.acceptedAudiences);
		}
		Instant now = this.clock.instant();
		Instant expires = instant(set.getExpirationTime());
		if (expires == null || !now.isBefore(expires.plus(LEEWAY))) {
			throw new InvalidTokenException(expires == null ? "no expiry" : "token expired at " + expires);
		}
		Instant notBefore = instant(set.getNotBeforeTime());
		if (notBefore != null && now.isBefore(notBefore.minus(LEEWAY))) {
			throw new InvalidTokenException("token not valid before " + notBefore);
		}
		Instant issuedAt = instant(set.getIssueTime());
		if (issuedAt != null && now.isBefore(issuedAt.minus(LEEWAY))) {
			throw new InvalidTokenException("token issued in the future at " + issuedAt);
		}
		return claims(set, audiences, issuedAt, expires);
	}

	private TokenClaims claims(JWTClaimsSet set, List<String> audiences, Instant issuedAt, Instant expires)
			throws InvalidTokenException {
		Map<String, Object> kubernetes;
		try {
			kubernetes = set.getJSONObjectClaim(KUBERNETES_CLAIM);
		}
		catch (ParseException ex) {
			throw new InvalidTokenException("invalid kubernetes.io claim");
		}
		if (kubernetes == null) {
			throw new InvalidTokenException("no kubernetes.io claim");
		}
		String namespace = kubernetes.get("namespace") instanceof String value ? value : null;
		BoundObject serviceAccount = ref(kubernetes, "serviceaccount");
		if (namespace == null || namespace.isEmpty() || serviceAccount == null) {
			throw new InvalidTokenException("kubernetes.io claim names no namespace or service account");
		}
		TokenClaims claims = new TokenClaims(set.getIssuer(), audiences, namespace, serviceAccount.name(),
				serviceAccount.uid(), ref(kubernetes, "pod"), ref(kubernetes, "secret"), ref(kubernetes, "node"),
				set.getJWTID(), issuedAt, expires);
		if (!claims.subject().equals(set.getSubject())) {
			throw new InvalidTokenException("subject " + set.getSubject() + " does not match the kubernetes.io claim");
		}
		return claims;
	}

	private static BoundObject ref(Map<String, Object> kubernetes, String key) throws InvalidTokenException {
		Object value = kubernetes.get(key);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Map<?, ?> map) || !(map.get("name") instanceof String name) || name.isEmpty()
				|| !(map.get("uid") instanceof String uid) || uid.isEmpty()) {
			throw new InvalidTokenException("kubernetes.io." + key + " needs a name and a uid");
		}
		return new BoundObject(name, uid);
	}

	private static Instant instant(Date date) {
		return date == null ? null : date.toInstant();
	}

}
