package io.stevedore.controller.workload;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlowStartBatchTest {

	@Test
	void runsEveryCallWhenNoneFails() {
		AtomicInteger calls = new AtomicInteger();

		SlowStartBatch.Outcome outcome = SlowStartBatch.run(10, calls::incrementAndGet);

		assertThat(calls).hasValue(10);
		assertThat(outcome.successes()).isEqualTo(10);
		assertThat(outcome.failure()).isNull();
	}

	@Test
	void aCallThatAlwaysFailsCostsOneCallNotAHundred() {
		AtomicInteger calls = new AtomicInteger();

		SlowStartBatch.Outcome outcome = SlowStartBatch.run(100, () -> {
			calls.incrementAndGet();
			throw new IllegalStateException("quota exceeded");
		});

		assertThat(calls).hasValue(1);
		assertThat(outcome.successes()).isZero();
		assertThat(outcome.failure()).hasMessage("quota exceeded");
	}

	@Test
	void batchesDoubleUntilOneFails() {
		AtomicInteger calls = new AtomicInteger();

		// Batches of 1, 2, 4: the 5th call fails, so the batch of 4 is the last.
		SlowStartBatch.Outcome outcome = SlowStartBatch.run(100, () -> {
			if (calls.incrementAndGet() == 5) {
				throw new IllegalStateException("fifth");
			}
		});

		assertThat(calls).hasValue(7);
		assertThat(outcome.successes()).isEqualTo(6);
		assertThat(outcome.failure()).hasMessage("fifth");
	}

	@Test
	void zeroCallsRunNothing() {
		assertThat(SlowStartBatch.run(0, () -> {
			throw new AssertionError("not called");
		}).successes()).isZero();
	}

}
