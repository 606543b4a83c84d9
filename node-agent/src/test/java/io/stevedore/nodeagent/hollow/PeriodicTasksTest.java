package io.stevedore.nodeagent.hollow;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PeriodicTasksTest {

	@Test
	void aCallStillRunningSkipsItsNextBeatsInsteadOfRunningTwiceAtOnce() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		try (PeriodicTasks tasks = new PeriodicTasks()) {
			tasks.remote(() -> {
				mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
				try {
					release.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				running.decrementAndGet();
			}, tasks.lane("test", 4), Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(10));

			await().atMost(Duration.ofSeconds(5)).until(() -> tasks.skipped() >= 5);
			release.countDown();
		}
		assertThat(mostAtOnce.get()).isEqualTo(1);
	}

	@Test
	void aLaneBoundsTheCallsInFlightAcrossTasks() throws Exception {
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		try (PeriodicTasks tasks = new PeriodicTasks()) {
			ExecutorService lane = tasks.lane("test", 2);
			for (int i = 0; i < 6; i++) {
				tasks.remote(() -> {
					mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					running.decrementAndGet();
					done.incrementAndGet();
				}, lane, Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> done.get() == 6);
		}
		assertThat(mostAtOnce.get()).isEqualTo(2);
	}

	@Test
	void aTaskThatThrowsKeepsItsSchedule() {
		AtomicInteger runs = new AtomicInteger();
		try (PeriodicTasks tasks = new PeriodicTasks()) {
			tasks.local(() -> {
				runs.incrementAndGet();
				throw new IllegalStateException("boom");
			}, Duration.ZERO, Duration.ofMillis(5));

			await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
		}
	}

}
