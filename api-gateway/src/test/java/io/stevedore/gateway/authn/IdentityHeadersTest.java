package io.stevedore.gateway.authn;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityHeadersTest {

	@Test
	void extraKeysWithASlashArePercentEncodedAsClientGoDoes() {
		UserInfo user = new UserInfo("system:serviceaccount:ns:web", "sa-uid", List.of("system:serviceaccounts"),
				Map.of("authentication.kubernetes.io/pod-name", List.of("web-0"), "scopes", List.of("a", "b")));

		ServerHttpRequest forwarded = IdentityHeaders
			.apply(MockServerHttpRequest.get("/api").header("X-Remote-Extra-Forged", "x").build(), user);

		assertThat(forwarded.getHeaders().get("X-Remote-Extra-authentication.kubernetes.io%2Fpod-name"))
			.containsExactly("web-0");
		assertThat(forwarded.getHeaders().get("X-Remote-Extra-scopes")).containsExactly("a", "b");
		assertThat(forwarded.getHeaders().get("X-Remote-Extra-Forged")).isNull();
	}

	@Test
	void percentAndNonAsciiAreEscapedLegalCharactersKept() {
		assertThat(IdentityHeaders.escapeKey("a%b")).isEqualTo("a%25b");
		assertThat(IdentityHeaders.escapeKey("é")).isEqualTo("%C3%A9");
		assertThat(IdentityHeaders.escapeKey("Key-1.x_y~z")).isEqualTo("Key-1.x_y~z");
	}

}
