package io.stevedore.gateway.authn;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticTokenAuthenticatorTest {

	private final StaticTokenAuthenticator tokens = StaticTokenAuthenticator.parse("""
			# token,user,uid,groups
			t1,jane,1001,"dev,ops"
			t2,bob,1002
			""", "tokens.csv");

	@Test
	void aKnownTokenIsItsUserWithQuotedGroups() {
		Authentication result = this.tokens
			.authenticate(MockServerHttpRequest.get("/api").header("Authorization", "Bearer t1").build());

		assertThat(result).isEqualTo(new Authentication.Authenticated(new UserInfo("jane", "1001",
				java.util.List.of("dev", "ops", "system:authenticated"), java.util.Map.of())));
	}

	@Test
	void anUnknownTokenIsRejectedNotAnonymous() {
		assertThat(this.tokens
			.authenticate(MockServerHttpRequest.get("/api").header("Authorization", "Bearer nope").build()))
			.isInstanceOf(Authentication.Rejected.class);
	}

	@Test
	void noAuthorizationHeaderIsNoCredential() {
		assertThat(this.tokens.authenticate(MockServerHttpRequest.get("/api").build()))
			.isEqualTo(Authentication.NO_CREDENTIALS);
	}

	@Test
	void aLineWithTooFewFieldsIsRefusedNamingTheLine() {
		assertThatThrownBy(() -> StaticTokenAuthenticator.parse("ok,u,1\nbroken,user\n", "tokens.csv"))
			.hasMessageContaining("tokens.csv line 2");
	}

	@Test
	void clientSentIdentityHeadersAndCredentialsAreReplacedByTheGatewaysOwn() {
		MockServerHttpRequest request = MockServerHttpRequest.get("/api")
			.header("X-Remote-User", "admin")
			.header("x-remote-group", "system:masters")
			.header("Impersonate-User", "admin")
			.header("Authorization", "Bearer t1")
			.build();

		var forwarded = IdentityHeaders.apply(request, UserInfo.of("jane", java.util.List.of("dev")));

		assertThat(forwarded.getHeaders().get("X-Remote-User")).containsExactly("jane");
		assertThat(forwarded.getHeaders().get("X-Remote-Group")).containsExactly("dev");
		assertThat(forwarded.getHeaders().containsHeader("Impersonate-User")).isFalse();
		assertThat(forwarded.getHeaders().containsHeader("Authorization")).isFalse();
	}

}
