package io.stevedore.nodeagent.pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kubelet's token refresh rule: 80 % of the lifetime or 24 hours. */
class TokenManagerTest {

	final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	final List<String> requested = new ArrayList<>();

	boolean failing;

	final TokenManager tokens = new TokenManager((pod, audience, seconds) -> {
		if (this.failing) {
			throw new IllegalStateException("gateway unreachable");
		}
		String token = "t" + this.requested.size();
		this.requested.add(audience + "/" + seconds);
		return issued(token, this.clock.instant().plusSeconds(seconds));
	}, this.clock);

	@Test
	void aTokenIsReusedUntilEightyPercentOfItsLifetimeThenFetchedAgain() throws Exception {
		assertThat(this.tokens.token(pod("u1"), "", 3600)).isEqualTo("t0");
		this.clock.advance(Duration.ofSeconds(2879));
		assertThat(this.tokens.token(pod("u1"), "", 3600)).isEqualTo("t0");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.tokens.token(pod("u1"), "", 3600)).isEqualTo("t1");
		assertThat(this.requested).containsExactly("/3600", "/3600");
	}

	@Test
	void aLongLivedTokenIsRenewedAfterTwentyFourHours() throws Exception {
		long twoDays = Duration.ofDays(2).toSeconds();
		assertThat(this.tokens.token(pod("u1"), "vault", twoDays)).isEqualTo("t0");
		this.clock.advance(Duration.ofHours(24));
		assertThat(this.tokens.token(pod("u1"), "vault", twoDays)).isEqualTo("t1");
	}

	@Test
	void eachPodAndAudienceHasItsOwnToken() throws Exception {
		assertThat(this.tokens.token(pod("u1"), "", 3600)).isEqualTo("t0");
		assertThat(this.tokens.token(pod("u2"), "", 3600)).isEqualTo("t1");
		assertThat(this.tokens.token(pod("u1"), "vault", 3600)).isEqualTo("t2");
		this.tokens.forget("u1");
		assertThat(this.tokens.token(pod("u1"), "", 3600)).isEqualTo("t3");
	}

	@Test
	void aFailedRenewalKeepsAValidTokenButAnExpiredOneFailsTheMount() throws Exception {
		this.tokens.token(pod("u1"), "", 600);
		this.failing = true;
		this.clock.advance(Duration.ofSeconds(500));
		assertThat(this.tokens.token(pod("u1"), "", 600)).isEqualTo("t0");
		this.clock.advance(Duration.ofSeconds(100));
		assertThatThrownBy(() -> this.tokens.token(pod("u1"), "", 600)).isInstanceOf(VolumeException.class)
			.hasMessageContaining("failed to fetch token")
			.hasMessageContaining("gateway unreachable");
	}

	static TokenRequest issued(String token, Instant expires) {
		return new TokenRequestBuilder().withNewStatus()
			.withToken(token)
			.withExpirationTimestamp(expires.toString())
			.endStatus()
			.build();
	}

	static Pod pod(String uid) {
		return new PodBuilder().withNewMetadata()
			.withName("p-" + uid)
			.withNamespace("team")
			.withUid(uid)
			.endMetadata()
			.withNewSpec()
			.withServiceAccountName("default")
			.endSpec()
			.build();
	}

	static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
