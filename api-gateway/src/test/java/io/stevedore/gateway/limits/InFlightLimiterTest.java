package io.stevedore.gateway.limits;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightLimiterTest {

	@Test
	void readOnlyAndMutatingRequestsHaveSeparateCaps() {
		InFlightLimiter limiter = new InFlightLimiter(2, 1);
		assertThat(limiter.tryAcquire(true)).isTrue();
		assertThat(limiter.tryAcquire(true)).isFalse();
		assertThat(limiter.tryAcquire(false)).isTrue();
		assertThat(limiter.tryAcquire(false)).isTrue();
		assertThat(limiter.tryAcquire(false)).isFalse();
		limiter.release(true);
		assertThat(limiter.tryAcquire(true)).isTrue();
		assertThat(limiter.inFlight(false)).isEqualTo(2);
	}

	@Test
	void aCapOfZeroMeansNoCap() {
		InFlightLimiter limiter = new InFlightLimiter(0, 0);
		for (int i = 0; i < 1000; i++) {
			assertThat(limiter.tryAcquire(i % 2 == 0)).isTrue();
		}
	}

	@Test
	void concurrentAcquiresNeverExceedTheCap() throws Exception {
		InFlightLimiter limiter = new InFlightLimiter(5, 5);
		AtomicInteger granted = new AtomicInteger();
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		for (int i = 0; i < 200; i++) {
			pool.submit(() -> {
				go.await();
				if (limiter.tryAcquire(false)) {
					granted.incrementAndGet();
				}
				return null;
			});
		}
		go.countDown();
		pool.shutdown();
		assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(granted).hasValue(5);
		assertThat(limiter.inFlight(false)).isEqualTo(5);
	}

}
