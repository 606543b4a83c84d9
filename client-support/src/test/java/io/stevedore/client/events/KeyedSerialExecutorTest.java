package io.stevedore.client.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class KeyedSerialExecutorTest {

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final KeyedSerialExecutor executor = new KeyedSerialExecutor(this.threads);

	private final List<String> ran = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void theTasksOfOneKeyRunOneAfterAnotherInTheOrderTheyCame() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.executor.execute("ns/event", () -> {
			waitFor(release);
			this.ran.add("create");
		});
		for (int count = 2; count <= 20; count++) {
			String patch = "count " + count;
			this.executor.execute("ns/event", () -> this.ran.add(patch));
		}

		Thread.sleep(200);
		assertThat(this.ran).as("nothing overtakes the blocked first task").isEmpty();
		release.countDown();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.ran.size() == 20);
		assertThat(this.ran.get(0)).isEqualTo("create");
		assertThat(this.ran.subList(1, 20)).containsExactly(
				java.util.stream.IntStream.rangeClosed(2, 20).mapToObj(c -> "count " + c).toArray(String[]::new));
	}

	@Test
	void tasksOfAnotherKeyDoNotWaitForABlockedOne() {
		CountDownLatch release = new CountDownLatch(1);
		this.executor.execute("ns/slow", () -> {
			waitFor(release);
			this.ran.add("slow");
		});

		this.executor.execute("ns/fast", () -> this.ran.add("fast"));

		await().atMost(Duration.ofSeconds(5)).until(() -> this.ran.contains("fast"));
		assertThat(this.ran).containsExactly("fast");
		release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.ran.size() == 2);
	}

	@Test
	void aFailingTaskDoesNotStopTheNextAndAnIdleKeyIsForgotten() {
		this.executor.execute("ns/event", () -> {
			throw new IllegalStateException("apiserver down");
		});
		this.executor.execute("ns/event", () -> this.ran.add("next"));

		await().atMost(Duration.ofSeconds(5)).until(() -> this.ran.contains("next"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.executor.pendingKeys() == 0);
	}

	private static void waitFor(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
