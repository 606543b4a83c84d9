package io.stevedore.scheduler.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.scheduler.cache.SchedulerCache;
import io.stevedore.scheduler.framework.BindPlugin;
import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.Framework;
import io.stevedore.scheduler.framework.Handle;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.framework.Status;
import io.stevedore.scheduler.plugins.InTreePlugins;
import io.stevedore.scheduler.queue.SchedulingQueue;
import org.junit.jupiter.api.Test;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduling loop step by step, with a fake binder and fake outcomes. */
class SchedulerTest {

	private final FakeClock clock = new FakeClock();

	private final SchedulingQueue queue = new SchedulingQueue(this.clock, Duration.ofMinutes(5));

	private final SchedulerCache cache = new SchedulerCache();

	private final FakeBinder binder = new FakeBinder();

	private final RecordingOutcomes outcomes = new RecordingOutcomes();

	private final OnReserve onReserve = new OnReserve();

	private final AtomicBoolean leader = new AtomicBoolean(true);

	private final Map<String, Pod> live = new ConcurrentHashMap<>();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Scheduler scheduler;

	SchedulerTest() {
		Map<String, Integer> plugins = new java.util.LinkedHashMap<>(
				SchedulingAlgorithmTest.withFakeBinder(InTreePlugins.defaultPlugins()));
		plugins.put("OnReserve", 0);
		Framework framework = new Framework("default-scheduler",
				InTreePlugins.registry()
					.register("FakeBinder", (h) -> this.binder)
					.register("OnReserve", (h) -> this.onReserve),
				plugins, new Handle(null, this.clock, Map.of()), Map.of());
		this.scheduler = new Scheduler(Map.of("default-scheduler", framework), this.queue, this.cache,
				new SchedulingAlgorithm(0, new SplittableRandom(1)), this.outcomes, new SchedulerMetrics(this.registry),
				this.clock, this.leader::get, this.live::get);
	}

	private void submit(Pod pod) {
		this.live.put("default/" + pod.getMetadata().getName(), pod);
		this.queue.add(PodInfo.of(pod));
	}

	private void scheduleNext() throws InterruptedException {
		this.scheduler.scheduleOne(this.queue.pop(Duration.ZERO));
	}

	@Test
	void aPlacedPodIsCountedOnItsNodeAndBoundAndTheScheduledEventRecorded() throws InterruptedException {
		this.cache.addOrUpdateNode(node("n1").build());
		submit(pod("p", "1", "").build());

		scheduleNext();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.binder.bound.contains("default/p->n1"));
		assertThat(this.cache.node("n1").requested().milliCpu).isEqualTo(1000);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.outcomes.log.contains("Scheduled default/p n1"));
		assertThat(this.registry
			.counter("scheduler_schedule_attempts", "result", "scheduled", "profile", "default-scheduler")
			.count()).isEqualTo(1);
	}

	@Test
	void bindsWaitingForTheirAnswerAreBoundedAndTheRestBindInTurn() throws InterruptedException {
		// Each bind in flight holds one of the client's HTTP connections: a backlog of
		// assumed pods must not open one per pod.
		this.cache.addOrUpdateNode(node("n1", "64", "64Gi").build());
		this.cache.addOrUpdateNode(node("n2", "64", "64Gi").build());
		int pods = Scheduler.MAX_BINDS_IN_FLIGHT + 36;
		this.binder.hold = new java.util.concurrent.CountDownLatch(1);
		for (int i = 0; i < pods; i++) {
			submit(pod("p" + i).build());
		}
		for (int i = 0; i < pods; i++) {
			scheduleNext();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.binder.inside.get() == Scheduler.MAX_BINDS_IN_FLIGHT);
		Thread.sleep(200);
		assertThat(this.binder.inside.get()).isEqualTo(Scheduler.MAX_BINDS_IN_FLIGHT);
		assertThat(this.binder.bound).isEmpty();

		this.binder.hold.countDown();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.binder.bound.size() == pods);
		assertThat(this.binder.maxInside.get()).isEqualTo(Scheduler.MAX_BINDS_IN_FLIGHT);
	}

	@Test
	void theAssumedPodCarriesTheNodeAndLeavesTheInformersPodAsItWas() {
		Pod informers = pod("p", "1", "").build();

		Pod assumed = Scheduler.withNodeName(informers, "n1");

		assertThat(assumed.getSpec().getNodeName()).isEqualTo("n1");
		assertThat(informers.getSpec().getNodeName()).isNull();
		assertThat(assumed.getSpec().getContainers()).isEqualTo(informers.getSpec().getContainers());
		assertThat(assumed.getMetadata()).isSameAs(informers.getMetadata());
		assertThat(assumed.getKind()).isEqualTo(informers.getKind());
	}

	@Test
	void aPodThatFitsNowhereIsReportedAndWaitsInTheUnschedulableQueue() throws InterruptedException {
		this.cache.addOrUpdateNode(node("n1", "1", "1Gi").build());
		submit(pod("p", "2", "").build());

		scheduleNext();

		assertThat(this.outcomes.log)
			.containsExactly("Unschedulable default/p 0/1 nodes are available: 1 Insufficient cpu.");
		assertThat(this.queue.whereIs("default/p")).isEqualTo("unschedulable");
	}

	@Test
	void aFailedBindForgetsTheAssumedPodAndRetriesAfterBackoff() throws InterruptedException {
		this.cache.addOrUpdateNode(node("n1").build());
		this.binder.fail.set(true);
		submit(pod("p", "1", "").build());

		scheduleNext();

		await().atMost(Duration.ofSeconds(5)).until(() -> "backoff".equals(this.queue.whereIs("default/p")));
		assertThat(this.cache.node("n1").requested().milliCpu).isZero();
		assertThat(this.outcomes.log).anySatisfy((line) -> assertThat(line).startsWith("SchedulerError default/p"));
	}

	@Test
	void aNodeDeletedBetweenFilterAndBindIsNotBoundToAndThePodIsRetried() throws InterruptedException {
		this.cache.addOrUpdateNode(node("n1").build());
		submit(pod("p", "1", "").build());
		// Reserve runs after the filters and before the bind.
		this.onReserve.action = () -> this.cache.removeNode("n1");

		scheduleNext();

		await().atMost(Duration.ofSeconds(5)).until(() -> "backoff".equals(this.queue.whereIs("default/p")));
		assertThat(this.binder.bound).isEmpty();
	}

	@Test
	void aReplicaThatLostTheLeaseDoesNotBind() throws InterruptedException {
		this.cache.addOrUpdateNode(node("n1").build());
		submit(pod("p", "1", "").build());
		this.leader.set(false);

		scheduleNext();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.cache.node("n1").requested().milliCpu == 0);
		assertThat(this.binder.bound).isEmpty();
	}

	@Test
	void aPodDeletedWhileBeingScheduledIsDroppedQuietly() throws InterruptedException {
		this.cache.addOrUpdateNode(node("n1", "1", "1Gi").build());
		submit(pod("p", "2", "").build());
		this.live.clear();

		scheduleNext();

		assertThat(this.outcomes.log).isEmpty();
		assertThat(this.queue.whereIs("default/p")).isNull();
	}

	static final class FakeBinder implements BindPlugin {

		final List<String> bound = new CopyOnWriteArrayList<>();

		final AtomicBoolean fail = new AtomicBoolean();

		/** When set, every bind waits for it. */
		volatile java.util.concurrent.CountDownLatch hold;

		final java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();

		final java.util.concurrent.atomic.AtomicInteger maxInside = new java.util.concurrent.atomic.AtomicInteger();

		@Override
		public String name() {
			return "FakeBinder";
		}

		@Override
		public Status bind(CycleState state, PodInfo pod, String nodeName) {
			this.maxInside.accumulateAndGet(this.inside.incrementAndGet(), Math::max);
			try {
				if (this.hold != null) {
					this.hold.await();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.inside.decrementAndGet();
			}
			if (this.fail.get()) {
				return Status.error("conflict");
			}
			this.bound.add(pod.key() + "->" + nodeName);
			return Status.success();
		}

	}

	static final class OnReserve implements io.stevedore.scheduler.framework.ReservePlugin {

		volatile Runnable action = () -> {
		};

		@Override
		public String name() {
			return "OnReserve";
		}

		@Override
		public Status reserve(CycleState state, PodInfo pod, String nodeName) {
			this.action.run();
			return Status.success();
		}

		@Override
		public void unreserve(CycleState state, PodInfo pod, String nodeName) {
		}

	}

	static final class RecordingOutcomes implements SchedulingOutcomes {

		final List<String> log = new CopyOnWriteArrayList<>();

		@Override
		public void scheduled(Pod pod, String nodeName, String schedulerName) {
			this.log.add("Scheduled default/" + pod.getMetadata().getName() + " " + nodeName);
		}

		@Override
		public void failed(Pod pod, String reason, String message, String schedulerName) {
			this.log.add(reason + " default/" + pod.getMetadata().getName() + " " + message);
		}

	}

}
