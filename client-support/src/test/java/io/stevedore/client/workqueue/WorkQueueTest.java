package io.stevedore.client.workqueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkQueueTest {

	private final FakeClock clock = new FakeClock();

	private final WorkQueue<String> queue = new WorkQueue<>(this.clock,
			new ExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1)));

	@Test
	void itemsComeOutInTheOrderTheyWereAdded() {
		this.queue.add("ns/a");
		this.queue.add("ns/b");
		this.queue.add("ns/c");

		assertThat(drain()).containsExactly("ns/a", "ns/b", "ns/c");
	}

	@Test
	void aKeyAddedManyTimesBeforeAWorkerTakesItIsProcessedOnce() {
		this.queue.add("ns/a");
		this.queue.add("ns/b");
		this.queue.add("ns/a");
		this.queue.add("ns/a");

		assertThat(this.queue.length()).isEqualTo(2);
		assertThat(drain()).containsExactly("ns/a", "ns/b");
	}

	@Test
	void aKeyAddedWhileBeingProcessedIsNotHandedToASecondWorkerUntilDone() {
		this.queue.add("ns/a");
		String taken = this.queue.poll().orElseThrow();

		this.queue.add("ns/a");
		this.queue.add("ns/a");

		assertThat(this.queue.poll()).as("ns/a is still being processed").isEmpty();
		this.queue.done(taken);
		assertThat(this.queue.poll()).as("re-queued once when the first run is done").contains("ns/a");
		this.queue.done("ns/a");
		assertThat(this.queue.poll()).isEmpty();
	}

	@Test
	void aKeyNotAddedAgainDuringProcessingIsNotRequeuedByDone() {
		this.queue.add("ns/a");
		this.queue.done(this.queue.poll().orElseThrow());

		assertThat(this.queue.poll()).isEmpty();
	}

	@Test
	void addAfterHoldsTheKeyUntilTheClockReachesItsTime() {
		this.queue.addAfter("ns/a", Duration.ofSeconds(10));

		assertThat(this.queue.poll()).isEmpty();
		assertThat(this.queue.waitingLength()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.queue.poll()).isEmpty();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.queue.poll()).contains("ns/a");
		assertThat(this.queue.waitingLength()).isZero();
	}

	@Test
	void theEarliestOfTwoDelaysForTheSameKeyWins() {
		this.queue.addAfter("ns/a", Duration.ofSeconds(10));
		this.queue.addAfter("ns/a", Duration.ofSeconds(2));
		this.queue.addAfter("ns/a", Duration.ofSeconds(5));

		assertThat(this.queue.waitingLength()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.queue.poll()).contains("ns/a");
		this.queue.done("ns/a");
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.queue.poll()).as("the later requests were merged into the earliest").isEmpty();
	}

	@Test
	void delayedKeysBecomeReadyInTheOrderOfTheirTimes() {
		this.queue.addAfter("ns/late", Duration.ofSeconds(3));
		this.queue.addAfter("ns/early", Duration.ofSeconds(1));
		this.queue.addAfter("ns/middle", Duration.ofSeconds(2));

		this.clock.advance(Duration.ofSeconds(3));

		assertThat(drain()).containsExactly("ns/early", "ns/middle", "ns/late");
	}

	@Test
	void aZeroDelayAddsAtOnce() {
		this.queue.addAfter("ns/a", Duration.ZERO);

		assertThat(this.queue.poll()).contains("ns/a");
	}

	@Test
	void aFailingKeyBacksOffExponentiallyAndAloneUpToTheMaximum() {
		List<Duration> delays = new ArrayList<>();
		for (int failure = 0; failure < 10; failure++) {
			this.queue.addRateLimited("ns/failing");
			delays.add(timeUntilReady("ns/failing"));
			this.queue.done("ns/failing");
		}

		assertThat(delays).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
				Duration.ofMillis(40), Duration.ofMillis(80), Duration.ofMillis(160), Duration.ofMillis(320),
				Duration.ofMillis(640), Duration.ofSeconds(1), Duration.ofSeconds(1));
		assertThat(this.queue.numRequeues("ns/failing")).isEqualTo(10);
		this.queue.addRateLimited("ns/other");
		assertThat(timeUntilReady("ns/other")).as("another key starts from the base delay")
			.isEqualTo(Duration.ofMillis(5));
	}

	@Test
	void forgetResetsTheBackoffOfAKeyThatSucceeded() {
		this.queue.addRateLimited("ns/a");
		this.queue.addRateLimited("ns/a");
		this.queue.addRateLimited("ns/a");

		this.queue.forget("ns/a");

		assertThat(this.queue.numRequeues("ns/a")).isZero();
	}

	@Test
	void afterShutDownNothingIsAcceptedAndGetReturnsEmpty() throws Exception {
		this.queue.add("ns/a");
		this.queue.shutDown();
		this.queue.add("ns/b");
		this.queue.addAfter("ns/c", Duration.ofSeconds(1));

		assertThat(this.queue.get()).isEmpty();
		assertThat(this.queue.poll()).isEmpty();
		assertThat(this.queue.isShuttingDown()).isTrue();
	}

	@Test
	void shutDownWakesAWorkerBlockedInGet() throws Exception {
		CompletableFuture<Optional<String>> blocked = CompletableFuture.supplyAsync(() -> {
			try {
				return this.queue.get();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});

		this.queue.shutDown();

		assertThat(blocked.get(5, TimeUnit.SECONDS)).isEmpty();
	}

	@Test
	void aWorkerBlockedInGetReceivesAKeyAddedLater() throws Exception {
		CompletableFuture<Optional<String>> blocked = CompletableFuture.supplyAsync(() -> {
			try {
				return this.queue.get();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});

		this.queue.add("ns/a");

		assertThat(blocked.get(5, TimeUnit.SECONDS)).contains("ns/a");
	}

	private List<String> drain() {
		List<String> items = new ArrayList<>();
		for (Optional<String> next = this.queue.poll(); next.isPresent(); next = this.queue.poll()) {
			items.add(next.get());
			this.queue.done(next.get());
		}
		return items;
	}

	/** Advances the fake clock a millisecond at a time until the key is ready. */
	private Duration timeUntilReady(String key) {
		Duration waited = Duration.ZERO;
		while (true) {
			Optional<String> next = this.queue.poll();
			if (next.isPresent()) {
				assertThat(next.get()).isEqualTo(key);
				return waited;
			}
			this.clock.advance(Duration.ofMillis(1));
			waited = waited.plusMillis(1);
		}
	}

}
