package io.stevedore.nodeagent.serving.auth;

import java.time.Clock;
import java.time.Duration;

/**
 * The kubelet's cached webhook authorizer ({@code authorization.webhook}'s
 * {@code cacheAuthorizedTTL}, 5 minutes, and {@code cacheUnauthorizedTTL}, 30 seconds):
 * an allow is kept longer than a denial, so a newly granted RoleBinding takes effect
 * soon; a failure to answer is not kept.
 */
public final class CachingAccessReviews implements AccessReviews {

	private final AccessReviews reviews;

	private final Duration allowedTtl;

	private final Duration deniedTtl;

	private final TtlCache<RequestAttributes, Boolean> cache;

	public CachingAccessReviews(AccessReviews reviews, Duration allowedTtl, Duration deniedTtl, Clock clock) {
		this.reviews = reviews;
		this.allowedTtl = allowedTtl;
		this.deniedTtl = deniedTtl;
		this.cache = new TtlCache<>(clock, 4096);
	}

	@Override
	public boolean allowed(RequestAttributes attributes) throws ReviewException {
		// The path is only for the logs: two paths of one subresource are one question.
		RequestAttributes key = new RequestAttributes(attributes.user(), attributes.verb(), attributes.subresource(),
				attributes.node(), "");
		Boolean kept = this.cache.get(key);
		if (kept != null) {
			return kept;
		}
		boolean answer = this.reviews.allowed(attributes);
		this.cache.put(key, answer, answer ? this.allowedTtl : this.deniedTtl);
		return answer;
	}

}
