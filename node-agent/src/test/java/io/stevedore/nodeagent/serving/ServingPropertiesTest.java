package io.stevedore.nodeagent.serving;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The serving settings refuse what cannot work, naming the property. */
class ServingPropertiesTest {

	@Test
	void aReviewTimeoutOfZeroIsRefusedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> properties(Duration.ZERO))
			.withMessage("stevedore.node.serving.review-timeout must be positive, got PT0S");
	}

	@Test
	void theDefaultsAreTheKubeletsWebhookOnes() {
		ServingProperties properties = properties(Duration.ofSeconds(10));

		assertThat(properties.authorizationMode()).isEqualTo(ServingProperties.AuthorizationMode.WEBHOOK);
		assertThat(properties.reviewTimeout()).isEqualTo(Duration.ofSeconds(10));
	}

	private static ServingProperties properties(Duration reviewTimeout) {
		return new ServingProperties("tls.crt", "tls.key", false, "ca.crt", ServingProperties.AuthorizationMode.WEBHOOK,
				List.of("system:masters"), true, Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofSeconds(30),
				reviewTimeout, Duration.ofMinutes(5), null);
	}

}
