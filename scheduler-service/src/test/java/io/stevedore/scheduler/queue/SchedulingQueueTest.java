package io.stevedore.scheduler.queue;

import java.time.Duration;
import java.util.stream.Stream;

import io.stevedore.client.clock.FakeClock;
import io.stevedore.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulingQueueTest {

	private final FakeClock clock = new FakeClock();

	private final SchedulingQueue queue = new SchedulingQueue(this.clock, Duration.ofMinutes(5));

	private static PodInfo pod(String name, int priority) {
		return PodInfo.of(io.stevedore.scheduler.testing.TestObjects.pod(name)
			.editSpec()
			.withPriority(priority)
			.endSpec()
			.build());
	}

	private QueuedPodInfo popNow() throws InterruptedException {
		return this.queue.pop(Duration.ZERO);
	}

	@Test
	void higherPriorityPodsPopFirstThenOlderOnes() throws InterruptedException {
		this.queue.add(pod("old-low", 0));
		this.clock.advance(Duration.ofSeconds(1));
		this.queue.add(pod("high", 100));
		this.queue.add(pod("new-low", 0));

		assertThat(popNow().pod().key()).isEqualTo("default/high");
		assertThat(popNow().pod().key()).isEqualTo("default/old-low");
		assertThat(popNow().pod().key()).isEqualTo("default/new-low");
		assertThat(popNow()).isNull();
	}

	static Stream<Arguments> backoffs() {
		return Stream.of(Arguments.of("the first failure waits 1 s", 1, 1),
				Arguments.of("the second failure waits 2 s", 2, 2), Arguments.of("the fourth failure waits 8 s", 4, 8),
				Arguments.of("the back-off stops growing at 10 s", 9, 10));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("backoffs")
	void backoff(String name, int attempts, long seconds) {
		assertThat(SchedulingQueue.backoffDuration(attempts)).isEqualTo(Duration.ofSeconds(seconds));
	}

	@Test
	void anUnschedulablePodWaitsForAClusterEventThenBacksOff() throws InterruptedException {
		this.queue.add(pod("p", 0));
		QueuedPodInfo popped = popNow();
		this.queue.addUnschedulable(popped, this.queue.schedulingCycle(), false);
		assertThat(this.queue.whereIs("default/p")).isEqualTo("unschedulable");

		this.queue.moveAllToActiveOrBackoff();
		assertThat(this.queue.whereIs("default/p")).isEqualTo("backoff");
		this.queue.flushBackoffCompleted();
		assertThat(popNow()).as("still backing off").isNull();

		this.clock.advance(Duration.ofSeconds(1));
		this.queue.flushBackoffCompleted();
		assertThat(popNow().pod().key()).isEqualTo("default/p");
	}

	@Test
	void aClusterEventDuringTheAttemptSendsTheFailedPodToBackoffNotUnschedulable() throws InterruptedException {
		this.queue.add(pod("p", 0));
		QueuedPodInfo popped = popNow();
		long cycle = this.queue.schedulingCycle();
		this.queue.moveAllToActiveOrBackoff();

		this.queue.addUnschedulable(popped, cycle, false);

		assertThat(this.queue.whereIs("default/p")).isEqualTo("backoff");
	}

	@Test
	void anUnschedulablePodIsRetriedAfterFiveMinutesWithoutAnyEvent() throws InterruptedException {
		this.queue.add(pod("p", 0));
		this.queue.addUnschedulable(popNow(), this.queue.schedulingCycle(), false);

		this.clock.advance(Duration.ofMinutes(4));
		this.queue.flushUnschedulableLeftover();
		assertThat(this.queue.whereIs("default/p")).isEqualTo("unschedulable");

		this.clock.advance(Duration.ofMinutes(1));
		this.queue.flushUnschedulableLeftover();
		assertThat(this.queue.whereIs("default/p")).isEqualTo("active");
	}

	@Test
	void anErrorBacksOffEvenWithoutAClusterEvent() throws InterruptedException {
		this.queue.add(pod("p", 0));
		this.queue.addUnschedulable(popNow(), this.queue.schedulingCycle(), true);

		assertThat(this.queue.whereIs("default/p")).isEqualTo("backoff");
	}

	@Test
	void aPodDeletedWhileBeingScheduledIsNotRequeued() throws InterruptedException {
		this.queue.add(pod("p", 0));
		QueuedPodInfo popped = popNow();
		this.queue.delete("default/p");

		this.queue.addUnschedulable(popped, this.queue.schedulingCycle(), false);

		assertThat(this.queue.whereIs("default/p")).isNull();
	}

	@Test
	void anUpdatedUnschedulablePodGetsAnotherTry() throws InterruptedException {
		this.queue.add(pod("p", 0));
		this.queue.addUnschedulable(popNow(), this.queue.schedulingCycle(), false);
		this.clock.advance(Duration.ofSeconds(2));

		this.queue.update(pod("p", 0));

		assertThat(this.queue.whereIs("default/p")).isEqualTo("active");
	}

	@Test
	void addingAPodTwiceQueuesItOnce() {
		this.queue.add(pod("p", 0));
		this.queue.add(pod("p", 0));

		assertThat(this.queue.activeSize()).isEqualTo(1);
	}

}
