package io.stevedore.nodeagent.serving.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The kubelet's webhook caches with a review client that counts its questions: answers
 * are kept for their TTL (a token's 2 minutes, an allow 5 minutes, a denial 30 seconds),
 * failures not at all.
 */
class CachingReviewsTest {

	static final KubeletUser JANE = KubeletUser.of("jane", List.of("developers"));

	final FakeClock clock = new FakeClock();

	final FakeReviews api = new FakeReviews();

	@Test
	void anAcceptedTokenIsAskedAgainOnlyAfterTwoMinutes() throws Exception {
		CachingTokenReviews tokens = new CachingTokenReviews(this.api, Duration.ofMinutes(2), this.clock);
		this.api.user = Optional.of(JANE);

		assertThat(tokens.review("t1")).contains(JANE);
		this.clock.advance(Duration.ofSeconds(119));
		this.api.user = Optional.empty();
		assertThat(tokens.review("t1")).contains(JANE);
		assertThat(this.api.tokens).containsExactly("t1");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(tokens.review("t1")).isEmpty();
		assertThat(this.api.tokens).containsExactly("t1", "t1");
	}

	@Test
	void aRefusedTokenIsKeptTooAndAnotherTokenIsItsOwnQuestion() throws Exception {
		CachingTokenReviews tokens = new CachingTokenReviews(this.api, Duration.ofMinutes(2), this.clock);

		assertThat(tokens.review("bad")).isEmpty();
		assertThat(tokens.review("bad")).isEmpty();
		this.api.user = Optional.of(JANE);
		assertThat(tokens.review("good")).contains(JANE);
		assertThat(this.api.tokens).containsExactly("bad", "good");
	}

	@Test
	void aTokenReviewThatFailedIsAskedAgainAtOnce() throws Exception {
		CachingTokenReviews tokens = new CachingTokenReviews(this.api, Duration.ofMinutes(2), this.clock);
		this.api.failing = true;

		assertThatExceptionOfType(ReviewException.class).isThrownBy(() -> tokens.review("t1"));
		this.api.failing = false;
		this.api.user = Optional.of(JANE);
		assertThat(tokens.review("t1")).contains(JANE);
		assertThat(this.api.tokens).hasSize(2);
	}

	@Test
	void anAllowIsKeptFiveMinutes() throws Exception {
		AccessReviews access = caching();
		RequestAttributes stats = RequestAttributes.of(JANE, "GET", "/stats/summary", "n1");
		this.api.allow = true;

		assertThat(access.allowed(stats)).isTrue();
		this.api.allow = false;
		this.clock.advance(Duration.ofSeconds(299));
		assertThat(access.allowed(stats)).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(access.allowed(stats)).isFalse();
		assertThat(this.api.questions).hasSize(2);
	}

	@Test
	void aDenialIsKeptThirtySecondsSoAGrantTakesEffectSoon() throws Exception {
		AccessReviews access = caching();
		RequestAttributes exec = RequestAttributes.of(JANE, "POST", "/exec/default/p/c", "n1");

		assertThat(access.allowed(exec)).isFalse();
		this.api.allow = true;
		this.clock.advance(Duration.ofSeconds(29));
		assertThat(access.allowed(exec)).isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(access.allowed(exec)).isTrue();
		assertThat(this.api.questions).hasSize(2);
	}

	@Test
	void twoPathsOfOneSubresourceAreOneQuestionButAnotherVerbIsNot() throws Exception {
		AccessReviews access = caching();
		this.api.allow = true;

		access.allowed(RequestAttributes.of(JANE, "GET", "/containerLogs/default/a/c", "n1"));
		access.allowed(RequestAttributes.of(JANE, "GET", "/containerLogs/default/b/c", "n1"));
		access.allowed(RequestAttributes.of(JANE, "GET", "/exec/default/b/c", "n1"));
		access.allowed(RequestAttributes.of(KubeletUser.of("joe", List.of()), "GET", "/containerLogs/x/b/c", "n1"));

		assertThat(this.api.questions).extracting(RequestAttributes::describe)
			.containsExactly("user=jane, verb=get, resource=nodes, subresource=proxy",
					"user=jane, verb=create, resource=nodes, subresource=proxy",
					"user=joe, verb=get, resource=nodes, subresource=proxy");
	}

	@Test
	void anAuthorizationThatFailedIsNotKept() throws Exception {
		AccessReviews access = caching();
		RequestAttributes stats = RequestAttributes.of(JANE, "GET", "/stats/summary", "n1");
		this.api.failing = true;

		assertThatExceptionOfType(ReviewException.class).isThrownBy(() -> access.allowed(stats));
		this.api.failing = false;
		this.api.allow = true;
		assertThat(access.allowed(stats)).isTrue();
	}

	@Test
	void theFixedGroupsLetInTheirMembersOnly() {
		GroupAccess groups = new GroupAccess(java.util.Set.of("system:masters"));

		assertThat(groups.allowed(RequestAttributes.of(KubeletUser.of("admin", List.of("system:masters")), "POST",
				"/exec/default/p/c", "n1")))
			.isTrue();
		assertThat(groups.allowed(RequestAttributes.of(JANE, "GET", "/stats/summary", "n1"))).isFalse();
	}

	@Test
	void theCacheHoldsAtMostItsCapacity() {
		TtlCache<String, String> cache = new TtlCache<>(this.clock, 3);
		for (int i = 0; i < 10; i++) {
			cache.put("k" + i, "v", Duration.ofMinutes(1));
		}

		assertThat(cache.size()).isLessThanOrEqualTo(3);
		assertThat(cache.get("k9")).isEqualTo("v");
	}

	private AccessReviews caching() {
		return new CachingAccessReviews(this.api, Duration.ofMinutes(5), Duration.ofSeconds(30), this.clock);
	}

	/** The API's answers, as the test sets them; records what was asked. */
	static final class FakeReviews implements TokenReviews, AccessReviews {

		final List<String> tokens = new ArrayList<>();

		final List<RequestAttributes> questions = new ArrayList<>();

		Optional<KubeletUser> user = Optional.empty();

		boolean allow;

		boolean failing;

		@Override
		public Optional<KubeletUser> review(String token) throws ReviewException {
			this.tokens.add(token);
			if (this.failing) {
				throw new ReviewException("connection refused", null);
			}
			return this.user;
		}

		@Override
		public boolean allowed(RequestAttributes attributes) throws ReviewException {
			this.questions.add(attributes);
			if (this.failing) {
				throw new ReviewException("connection refused", null);
			}
			return this.allow;
		}

	}

}
