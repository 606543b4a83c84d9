package io.stevedore.gateway.authn;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.stevedore.gateway.pki.ServiceAccountKeys;
import io.stevedore.gateway.serviceaccount.BoundObject;
import io.stevedore.gateway.serviceaccount.LiveObject;
import io.stevedore.gateway.serviceaccount.ObjectKind;
import io.stevedore.gateway.serviceaccount.ObjectLookup;
import io.stevedore.gateway.serviceaccount.ServiceAccountTokens;
import io.stevedore.gateway.serviceaccount.TokenClaims;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceAccountTokenAuthenticatorTest {

	static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

	static final ServiceAccountKeys KEYS = ServiceAccountKeys.generate();

	final Instant now = Instant.parse("2026-12-04T12:00:00Z");

	final ServiceAccountTokens tokens = new ServiceAccountTokens(KEYS, ISSUER, List.of(ISSUER),
			Clock.fixed(this.now, ZoneOffset.UTC));

	/**
	 * The cluster as the authenticator sees it: kind/namespace/name to the live object.
	 */
	final Map<String, LiveObject> cluster = new HashMap<>(Map.of("SERVICE_ACCOUNT/team/robot",
			LiveObject.of("sa-uid-1"), "POD/team/web-0", new LiveObject("pod-uid-1", null, "robot", "node-a")));

	final ObjectLookup objects = (kind, namespace, name) -> Mono
		.justOrEmpty(this.cluster.get(kind + "/" + namespace + "/" + name));

	final ServiceAccountTokenAuthenticator authenticator = new ServiceAccountTokenAuthenticator(this.tokens,
			this.objects);

	@Test
	void aPodBoundTokenAuthenticatesAsTheServiceAccountWithKubernetesGroupsAndExtra() {
		Authentication result = authenticate(this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now)));

		assertThat(result).isInstanceOf(Authentication.Authenticated.class);
		UserInfo user = ((Authentication.Authenticated) result).user();
		assertThat(user.name()).isEqualTo("system:serviceaccount:team:robot");
		assertThat(user.uid()).isEqualTo("sa-uid-1");
		assertThat(user.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:team",
				"system:authenticated");
		assertThat(user.extra()).containsEntry("authentication.kubernetes.io/pod-name", List.of("web-0"))
			.containsEntry("authentication.kubernetes.io/pod-uid", List.of("pod-uid-1"))
			.containsEntry("authentication.kubernetes.io/credential-id", List.of("JTI=jti-1"));
	}

	@Test
	void aTokenWithAForgedPayloadIsRefused() {
		String[] parts = this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now)).split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
			.replace("system:serviceaccount:team:robot", "system:serviceaccount:team:admin");
		String forged = parts[0] + "."
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
				+ parts[2];

		assertRefused(forged, "invalid signature");
	}

	@Test
	void anExpiredTokenIsRefused() {
		Instant issued = this.now.minus(Duration.ofHours(2));
		assertRefused(this.tokens.sign(claims(ISSUER, List.of(ISSUER), issued)), "token expired");
	}

	@Test
	void aTokenNotYetValidIsRefused() {
		assertRefused(this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now.plus(Duration.ofMinutes(10)))),
				"not valid before");
	}

	@Test
	void aTokenForAnotherAudienceIsRefused() {
		assertRefused(this.tokens.sign(claims(ISSUER, List.of("vault"), this.now)), "audiences [vault] are invalid");
	}

	@Test
	void aTokenOfAnotherIssuerIsRefused() {
		assertRefused(this.tokens.sign(claims("https://elsewhere.example", List.of(ISSUER), this.now)),
				"issuer https://elsewhere.example");
	}

	@Test
	void anUnsignedAlgNoneTokenIsRefused() {
		String[] parts = this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now)).split("\\.");
		String header = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

		assertRefused(header + "." + parts[1] + ".", "not a signed JWT");
	}

	@Test
	void anHs256TokenKeyedWithThePublicKeyIsRefused() throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claimsSet());
		jwt.sign(new MACSigner(KEYS.publicKey().getEncoded()));

		assertRefused(jwt.serialize(), "unexpected signing algorithm HS256");
	}

	@Test
	void aTokenSignedByAnotherKeyIsRefused() {
		ServiceAccountTokens other = new ServiceAccountTokens(ServiceAccountKeys.generate(), ISSUER, List.of(ISSUER),
				Clock.fixed(this.now, ZoneOffset.UTC));

		assertRefused(other.sign(claims(ISSUER, List.of(ISSUER), this.now)), "invalid signature");
	}

	@Test
	void aTokenOfADeletedServiceAccountIsRefused() {
		String token = this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now));
		this.cluster.remove("SERVICE_ACCOUNT/team/robot");

		assertRefused(token, "serviceaccounts team/robot has been deleted");
	}

	@Test
	void aTokenOfAServiceAccountRecreatedUnderTheSameNameIsRefused() {
		String token = this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now));
		this.cluster.put("SERVICE_ACCOUNT/team/robot", LiveObject.of("sa-uid-2"));

		assertRefused(token, "serviceaccounts team/robot UID (sa-uid-2) does not match claim (sa-uid-1)");
	}

	@Test
	void aTokenBoundToADeletedPodIsRefused() {
		String token = this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now));
		this.cluster.remove("POD/team/web-0");

		assertRefused(token, "pods team/web-0 has been deleted");
	}

	@Test
	void aTokenBoundToAPodReplacedByANewUidIsRefused() {
		String token = this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now));
		this.cluster.put("POD/team/web-0", new LiveObject("pod-uid-2", null, "robot", "node-a"));

		assertRefused(token, "pods team/web-0 UID (pod-uid-2) does not match claim (pod-uid-1)");
	}

	@Test
	void aTokenBoundToAPodDeletedLongerThanTheLeewayAgoIsRefusedButHonouredDuringGrace() {
		String token = this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now));
		this.cluster.put("POD/team/web-0", new LiveObject("pod-uid-1", this.now.minusSeconds(30), "robot", null));
		assertThat(authenticate(token)).isInstanceOf(Authentication.Authenticated.class);

		this.cluster.put("POD/team/web-0", new LiveObject("pod-uid-1", this.now.minusSeconds(61), "robot", null));
		assertRefused(token, "pods team/web-0 has been deleted");
	}

	@Test
	void aTokenWhoseObjectsCannotBeReadIsRefused() {
		ServiceAccountTokenAuthenticator failing = new ServiceAccountTokenAuthenticator(this.tokens,
				(kind, namespace, name) -> Mono.error(new IllegalStateException("apiserver down")));

		assertThat(failing.authenticate(this.tokens.sign(claims(ISSUER, List.of(ISSUER), this.now))).block())
			.isInstanceOfSatisfying(Authentication.Rejected.class,
					(rejected) -> assertThat(rejected.reason()).contains("apiserver down"));
	}

	@Test
	void aBearerTokenThatIsNoJwtIsRefusedNotAnonymous() {
		assertRefused("not-a-jwt", "not a signed JWT");
	}

	@Test
	void aRequestWithoutBearerTokenCarriesNoCredentialsForIt() {
		assertThat(this.authenticator.authenticateLater(MockServerHttpRequest.get("/api").build()).block())
			.isEqualTo(Authentication.NO_CREDENTIALS);
	}

	@Test
	void anAcceptedTokenIsAcceptedAgainFromTheCacheForTheTtlThenCheckedAgain() {
		MutableClock clock = new MutableClock(this.now);
		ServiceAccountTokens ticking = new ServiceAccountTokens(KEYS, ISSUER, List.of(ISSUER), clock);
		ServiceAccountTokenAuthenticator cached = new ServiceAccountTokenAuthenticator(ticking, this.objects,
				Duration.ofSeconds(5));
		String token = ticking.sign(claims(ISSUER, List.of(ISSUER), this.now));
		assertThat(cached.authenticate(token).block()).isInstanceOf(Authentication.Authenticated.class);

		this.cluster.remove("SERVICE_ACCOUNT/team/robot");
		clock.now = this.now.plusSeconds(4);
		assertThat(cached.authenticate(token).block()).isInstanceOf(Authentication.Authenticated.class);

		clock.now = this.now.plusSeconds(5);
		assertThat(cached.authenticate(token).block()).isInstanceOfSatisfying(Authentication.Rejected.class,
				(rejected) -> assertThat(rejected.reason()).contains("serviceaccounts team/robot has been deleted"));
	}

	@Test
	void aCachedTokenIsNeverAcceptedPastItsExpiry() {
		MutableClock clock = new MutableClock(this.now);
		ServiceAccountTokens ticking = new ServiceAccountTokens(KEYS, ISSUER, List.of(ISSUER), clock);
		ServiceAccountTokenAuthenticator cached = new ServiceAccountTokenAuthenticator(ticking, this.objects,
				Duration.ofHours(2));
		String token = ticking.sign(claims(ISSUER, List.of(ISSUER), this.now));
		assertThat(cached.authenticate(token).block()).isInstanceOf(Authentication.Authenticated.class);

		clock.now = this.now.plus(Duration.ofHours(1)).plusSeconds(61);
		assertThat(cached.authenticate(token).block()).isInstanceOfSatisfying(Authentication.Rejected.class,
				(rejected) -> assertThat(rejected.reason()).contains("token expired"));
	}

	static final class MutableClock extends Clock {

		Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

	private TokenClaims claims(String issuer, List<String> audiences, Instant issuedAt) {
		return new TokenClaims(issuer, audiences, "team", "robot", "sa-uid-1", new BoundObject("web-0", "pod-uid-1"),
				null, null, "jti-1", issuedAt, issuedAt.plus(Duration.ofHours(1)));
	}

	private JWTClaimsSet claimsSet() {
		return new JWTClaimsSet.Builder().issuer(ISSUER)
			.subject("system:serviceaccount:team:robot")
			.audience(ISSUER)
			.expirationTime(java.util.Date.from(this.now.plus(Duration.ofHours(1))))
			.issueTime(java.util.Date.from(this.now))
			.claim("kubernetes.io",
					Map.of("namespace", "team", "serviceaccount", Map.of("name", "robot", "uid", "sa-uid-1")))
			.build();
	}

	private Authentication authenticate(String token) {
		return this.authenticator
			.authenticateLater(MockServerHttpRequest.get("/api").header("Authorization", "Bearer " + token).build())
			.block();
	}

	private void assertRefused(String token, String reason) {
		assertThat(authenticate(token)).isInstanceOfSatisfying(Authentication.Rejected.class,
				(rejected) -> assertThat(rejected.reason()).contains(reason));
	}

}
