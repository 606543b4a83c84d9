package io.stevedore.client.workqueue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExponentialFailureRateLimiterTest {

	@Test
	void theDelayDoublesWithEveryFailureFromTheBase() {
		RateLimiter<String> limiter = new ExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofHours(1));

		assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
		assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
		assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
		assertThat(limiter.numRequeues("a")).isEqualTo(3);
	}

	@Test
	void thousandsOfFailuresStayAtTheMaximumWithoutOverflowing() {
		RateLimiter<String> limiter = ExponentialFailureRateLimiter.defaults();
		Duration last = Duration.ZERO;
		for (int i = 0; i < 1000; i++) {
			last = limiter.when("a");
		}

		assertThat(last).isEqualTo(ExponentialFailureRateLimiter.DEFAULT_MAX);
	}

	@Test
	void aBaseAboveTheMaximumIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExponentialFailureRateLimiter<>(Duration.ofSeconds(2), Duration.ofSeconds(1)))
			.withMessageContaining("max delay");
	}

}
