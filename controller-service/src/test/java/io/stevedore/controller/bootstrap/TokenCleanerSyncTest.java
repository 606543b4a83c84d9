package io.stevedore.controller.bootstrap;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.stevedore.client.controller.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCleanerSyncTest {

	static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

	final Map<String, Secret> secrets = new HashMap<>();

	final List<Secret> deleted = new ArrayList<>();

	final TokenCleanerSync sync = new TokenCleanerSync(this.secrets::get, this.deleted::add,
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void anExpiredTokenIsDeleted() {
		Secret s = token("abcdef", "2026-12-05T11:59:59Z");
		this.secrets.put("kube-system/bootstrap-token-abcdef", s);

		Result result = this.sync.reconcile("kube-system/bootstrap-token-abcdef");

		assertThat(this.deleted).containsExactly(s);
		assertThat(result.requeue()).isFalse();
	}

	@Test
	void aTokenExpiringNowIsExpired() {
		// The gateway refuses a token at its expiration instant too: the two agree.
		this.secrets.put("kube-system/bootstrap-token-abcdef", token("abcdef", "2026-12-05T12:00:00Z"));

		this.sync.reconcile("kube-system/bootstrap-token-abcdef");

		assertThat(this.deleted).hasSize(1);
	}

	@Test
	void aTokenExpiringLaterIsLookedAtWhenItExpires() {
		this.secrets.put("kube-system/bootstrap-token-abcdef", token("abcdef", "2026-12-05T14:00:00+01:00"));

		Result result = this.sync.reconcile("kube-system/bootstrap-token-abcdef");

		assertThat(this.deleted).isEmpty();
		assertThat(result.requeueAfter()).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void anUnparseableExpirationCountsAsExpired() {
		this.secrets.put("kube-system/bootstrap-token-abcdef", token("abcdef", "tomorrow"));

		this.sync.reconcile("kube-system/bootstrap-token-abcdef");

		assertThat(this.deleted).hasSize(1);
	}

	@Test
	void tokensWithoutExpirationOtherTypesDeletingAndGoneSecretsAreLeftAlone() {
		this.secrets.put("kube-system/a", token("aaaaaa", null));
		Secret opaque = token("bbbbbb", "2020-01-01T00:00:00Z");
		opaque.setType("Opaque");
		this.secrets.put("kube-system/b", opaque);
		Secret deleting = token("cccccc", "2020-01-01T00:00:00Z");
		deleting.getMetadata().setDeletionTimestamp("2026-12-05T11:00:00Z");
		this.secrets.put("kube-system/c", deleting);

		for (String key : List.of("kube-system/a", "kube-system/b", "kube-system/c", "kube-system/gone")) {
			assertThat(this.sync.reconcile(key).requeue()).as(key).isFalse();
		}
		assertThat(this.deleted).isEmpty();
	}

	static Secret token(String id, String expiration) {
		Map<String, String> data = new HashMap<>();
		data.put("token-id", b64(id));
		data.put("token-secret", b64("0123456789abcdef"));
		if (expiration != null) {
			data.put("expiration", b64(expiration));
		}
		return new SecretBuilder().withNewMetadata()
			.withNamespace("kube-system")
			.withName("bootstrap-token-" + id)
			.withUid("uid-" + id)
			.endMetadata()
			.withType(TokenCleanerSync.SECRET_TYPE)
			.withData(data)
			.build();
	}

	private static String b64(String value) {
		return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
	}

}
