package io.stevedore.nodeagent.serving.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The kubelet's cached webhook token authenticator
 * ({@code authentication.webhook.cacheTTL}, 2 minutes): a token's answer, accepted or
 * refused, is kept for the TTL; a failure to answer is not kept. Kept under the token's
 * SHA-256, not the token.
 */
public final class CachingTokenReviews implements TokenReviews {

	private final TokenReviews reviews;

	private final Duration ttl;

	private final TtlCache<String, Optional<KubeletUser>> cache;

	public CachingTokenReviews(TokenReviews reviews, Duration ttl, Clock clock) {
		this.reviews = reviews;
		this.ttl = ttl;
		this.cache = new TtlCache<>(clock, 4096);
	}

	@Override
	public Optional<KubeletUser> review(String token) throws ReviewException {
		String key = sha256(token);
		Optional<KubeletUser> kept = this.cache.get(key);
		if (kept != null) {
			return kept;
		}
		Optional<KubeletUser> answer = this.reviews.review(token);
		this.cache.put(key, answer, this.ttl);
		return answer;
	}

	private static String sha256(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

}
