package io.stevedore.gateway.limits;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketsTest {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	@Test
	void aUserMayBurstThenIsLimitedUntilTokensRefillAtTheConfiguredRate() {
		TokenBuckets buckets = new TokenBuckets(2, 3, this.now::get);
		assertThat(buckets.tryTake("jane")).isTrue();
		assertThat(buckets.tryTake("jane")).isTrue();
		assertThat(buckets.tryTake("jane")).isTrue();
		assertThat(buckets.tryTake("jane")).isFalse();
		this.now.addAndGet(499_000_000L);
		assertThat(buckets.tryTake("jane")).as("less than one token after 499 ms at 2/s").isFalse();
		this.now.addAndGet(2_000_000L);
		assertThat(buckets.tryTake("jane")).isTrue();
		assertThat(buckets.tryTake("jane")).isFalse();
	}

	@Test
	void eachUserHasABucketOfItsOwn() {
		TokenBuckets buckets = new TokenBuckets(1, 1, this.now::get);
		assertThat(buckets.tryTake("jane")).isTrue();
		assertThat(buckets.tryTake("jane")).isFalse();
		assertThat(buckets.tryTake("joe")).isTrue();
	}

	@Test
	void aLongIdleBucketRefillsOnlyUpToTheBurst() {
		TokenBuckets buckets = new TokenBuckets(100, 2, this.now::get);
		buckets.tryTake("jane");
		this.now.addAndGet(3_600_000_000_000L);
		assertThat(buckets.tryTake("jane")).isTrue();
		assertThat(buckets.tryTake("jane")).isTrue();
		assertThat(buckets.tryTake("jane")).isFalse();
	}

	@Test
	void zeroQpsMeansNoLimit() {
		TokenBuckets buckets = new TokenBuckets(0, 1, this.now::get);
		for (int i = 0; i < 1000; i++) {
			assertThat(buckets.tryTake("jane")).isTrue();
		}
	}

	@Test
	void fullBucketsOfIdleUsersAreForgottenWhenThereAreTooMany() {
		TokenBuckets buckets = new TokenBuckets(1000, 1, this.now::get);
		for (int i = 0; i <= TokenBuckets.MAX_IDLE_BUCKETS; i++) {
			buckets.tryTake("user-" + i);
		}
		this.now.addAndGet(1_000_000_000L);
		assertThat(buckets.tryTake("another")).isTrue();
		assertThat(buckets.size()).isLessThan(10);
	}

}
