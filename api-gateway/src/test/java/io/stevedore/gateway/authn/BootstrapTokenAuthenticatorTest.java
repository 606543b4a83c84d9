package io.stevedore.gateway.authn;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** The bootstrap token rules against Secrets held in a map (the lookup is the fake). */
class BootstrapTokenAuthenticatorTest {

	private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

	private final Map<String, Secret> secrets = new HashMap<>();

	private final BootstrapTokenAuthenticator authenticator = new BootstrapTokenAuthenticator(
			(name) -> Mono.justOrEmpty(this.secrets.get(name)), Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void aValidTokenIsTheBootstrapUserInTheBootstrappersAndExtraGroups() {
		this.secrets.put("bootstrap-token-abcdef",
				secret("abcdef", "0123456789abcdef", Map.of("auth-extra-groups", "system:bootstrappers:stevedore")));

		assertThat(authenticate("abcdef.0123456789abcdef"))
			.isEqualTo(new Authentication.Authenticated(new UserInfo("system:bootstrap:abcdef", "",
					List.of("system:bootstrappers", "system:bootstrappers:stevedore", "system:authenticated"),
					Map.of())));
	}

	@Test
	void aWrongSecretAMissingSecretOrAWrongTypeIsRefused() {
		this.secrets.put("bootstrap-token-abcdef", secret("abcdef", "0123456789abcdef", Map.of()));

		assertThat(authenticate("abcdef.0123456789abcdee")).isInstanceOf(Authentication.Rejected.class);
		assertThat(authenticate("zzzzzz.0123456789abcdef")).isInstanceOf(Authentication.Rejected.class);
		Secret opaque = secret("abcdef", "0123456789abcdef", Map.of());
		opaque.setType("Opaque");
		this.secrets.put("bootstrap-token-abcdef", opaque);
		assertThat(authenticate("abcdef.0123456789abcdef")).isInstanceOf(Authentication.Rejected.class);
	}

	@Test
	void anExpiredTokenOrOneNotForAuthenticationIsRefused() {
		this.secrets.put("bootstrap-token-abcdef",
				secret("abcdef", "0123456789abcdef", Map.of("expiration", "2026-12-05T09:59:59Z")));
		assertThat(authenticate("abcdef.0123456789abcdef")).isInstanceOf(Authentication.Rejected.class);

		this.secrets.put("bootstrap-token-abcdef",
				secret("abcdef", "0123456789abcdef", Map.of("expiration", "2026-12-05T10:00:01Z")));
		assertThat(authenticate("abcdef.0123456789abcdef")).isInstanceOf(Authentication.Authenticated.class);

		Secret signingOnly = secret("abcdef", "0123456789abcdef", Map.of());
		signingOnly.getData().put("usage-bootstrap-authentication", b64("false"));
		this.secrets.put("bootstrap-token-abcdef", signingOnly);
		assertThat(authenticate("abcdef.0123456789abcdef")).isInstanceOf(Authentication.Rejected.class);
	}

	@Test
	void extraGroupsOutsideTheBootstrappersAreRefused() {
		this.secrets.put("bootstrap-token-abcdef",
				secret("abcdef", "0123456789abcdef", Map.of("auth-extra-groups", "system:masters")));
		assertThat(authenticate("abcdef.0123456789abcdef")).isInstanceOf(Authentication.Rejected.class);
	}

	@Test
	void tokensOfAnotherShapeAreNotThisAuthenticators() {
		this.secrets.put("bootstrap-token-abcdef", secret("abcdef", "0123456789abcdef", Map.of()));
		assertThat(authenticate("ABCDEF.0123456789abcdef")).isEqualTo(Authentication.NO_CREDENTIALS);
		assertThat(authenticate("abcdef.0123456789abcdef0")).isEqualTo(Authentication.NO_CREDENTIALS);
		assertThat(authenticate("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isEqualTo(Authentication.NO_CREDENTIALS);
		assertThat(this.authenticator.authenticate(MockServerHttpRequest.get("/api").build()))
			.isEqualTo(Authentication.NO_CREDENTIALS);
	}

	private Authentication authenticate(String token) {
		return this.authenticator
			.authenticate(MockServerHttpRequest.get("/api").header("Authorization", "Bearer " + token).build());
	}

	private static Secret secret(String id, String secret, Map<String, String> more) {
		Map<String, String> data = new HashMap<>();
		data.put("token-id", b64(id));
		data.put("token-secret", b64(secret));
		data.put("usage-bootstrap-authentication", b64("true"));
		more.forEach((k, v) -> data.put(k, b64(v)));
		return new SecretBuilder().withNewMetadata()
			.withName("bootstrap-token-" + id)
			.withNamespace("kube-system")
			.endMetadata()
			.withType("bootstrap.kubernetes.io/token")
			.withData(data)
			.build();
	}

	private static String b64(String s) {
		return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
	}

}
