package io.stevedore.client.controller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.workqueue.ExponentialFailureRateLimiter;
import io.stevedore.client.workqueue.WorkQueue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ControllerTest {

	private final FakeClock clock = new FakeClock();

	private final WorkQueue<String> queue = new WorkQueue<>(this.clock,
			new ExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(10)));

	private final List<String> reconciled = new ArrayList<>();

	@Test
	void aSuccessfulReconcileForgetsTheKeysFailures() {
		this.queue.addRateLimited("ns/a");
		this.clock.advance(Duration.ofMillis(5));
		Controller controller = controller((key) -> Result.done());

		controller.process(take());

		assertThat(this.queue.numRequeues("ns/a")).isZero();
		assertThat(this.queue.waitingLength()).isZero();
	}

	@Test
	void aFailedReconcileRequeuesTheKeyWithBackoff() {
		Controller controller = controller((key) -> {
			throw new IllegalStateException("apiserver unavailable");
		});
		this.queue.add("ns/a");

		controller.process(take());

		assertThat(this.queue.numRequeues("ns/a")).isEqualTo(1);
		assertThat(this.queue.poll()).as("not before its backoff").isEmpty();
		this.clock.advance(Duration.ofMillis(5));
		assertThat(this.queue.poll()).contains("ns/a");
	}

	@Test
	void aRequeueAfterResultLooksAgainAfterTheDelay() {
		Controller controller = controller((key) -> Result.requeueAfter(Duration.ofSeconds(2)));
		this.queue.add("ns/a");

		controller.process(take());

		assertThat(this.queue.poll()).isEmpty();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.queue.poll()).contains("ns/a");
		assertThat(this.queue.numRequeues("ns/a")).as("a requeue is not a failure").isZero();
	}

	@Test
	void workersStartOnlyOnceTheCachesHaveSynced() throws Exception {
		AtomicInteger synced = new AtomicInteger();
		CountDownLatch ran = new CountDownLatch(1);
		Controller controller = new Controller("test", this.queue, (key) -> {
			ran.countDown();
			return Result.done();
		}, 2, () -> synced.get() > 0, this.clock);
		this.queue.add("ns/a");
		controller.start();
		try {
			assertThat(ran.await(200, TimeUnit.MILLISECONDS)).as("no reconcile before the caches synced").isFalse();
			synced.set(1);
			assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			controller.stop();
		}
	}

	@Test
	void theSameKeyIsNeverReconciledByTwoWorkersAtOnce() throws Exception {
		ConcurrentHashMap<String, Boolean> inFlight = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch enough = new CountDownLatch(200);
		Controller controller = new Controller("test", this.queue, (key) -> {
			if (inFlight.putIfAbsent(key, true) != null) {
				overlaps.incrementAndGet();
			}
			Thread.onSpinWait();
			inFlight.remove(key);
			runs.incrementAndGet();
			enough.countDown();
			return Result.done();
		}, 4, () -> true, this.clock);
		controller.start();
		try {
			while (enough.getCount() > 0) {
				this.queue.add("ns/" + (runs.get() % 3));
			}
		}
		finally {
			controller.stop();
		}

		assertThat(overlaps).hasValue(0);
	}

	@Test
	void stopEndsTheWorkers() throws Exception {
		Controller controller = controller((key) -> Result.done());
		controller.start();

		controller.stop();

		assertThat(this.queue.isShuttingDown()).isTrue();
		assertThat(controller.processNextWorkItem()).isFalse();
	}

	@Test
	void aControllerWithoutWorkersIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Controller("gc", this.queue, (key) -> Result.done(), 0, () -> true, this.clock))
			.withMessageContaining("workers");
	}

	private Controller controller(Reconciler reconciler) {
		return new Controller("test", this.queue, (key) -> {
			this.reconciled.add(key);
			return reconciler.reconcile(key);
		}, 1, () -> true, this.clock);
	}

	private String take() {
		return this.queue.poll().orElseThrow();
	}

}
