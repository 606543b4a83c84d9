package io.stevedore.gateway.config;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountTokensSettingsTest {

	@Test
	void theApiAudiencesDefaultToTheIssuerAsKubeApiserversDo() {
		var settings = new GatewayProperties.ServiceAccountTokens("https://issuer.example", null,
				Duration.ofSeconds(5));

		assertThat(settings.apiAudiences()).containsExactly("https://issuer.example");
	}

	@Test
	void configuredAudiencesAreKept() {
		assertThat(new GatewayProperties.ServiceAccountTokens("https://issuer.example", List.of("api", "vault"),
				Duration.ofSeconds(5))
			.apiAudiences()).containsExactly("api", "vault");
	}

	@Test
	void anIssuerWithoutAColonIsRefusedNamingTheSetting() {
		assertThatThrownBy(() -> new GatewayProperties.ServiceAccountTokens("kubernetes", null, Duration.ZERO))
			.hasMessageContaining("stevedore.gateway.service-account-tokens.issuer")
			.hasMessageContaining("\"kubernetes\"");
	}

}
