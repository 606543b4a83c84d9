package io.stevedore.scheduler.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.scheduler.cache.SchedulerCache;
import io.stevedore.scheduler.framework.PodInfo;
import io.stevedore.scheduler.queue.QueuedPodInfo;
import io.stevedore.scheduler.queue.SchedulingQueue;
import org.junit.jupiter.api.Test;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

class ClusterEventHandlersTest {

	private final FakeClock clock = new FakeClock();

	private final SchedulingQueue queue = new SchedulingQueue(this.clock, Duration.ofMinutes(5));

	private final SchedulerCache cache = new SchedulerCache();

	private final ClusterEventHandlers handlers = new ClusterEventHandlers(this.queue, this.cache,
			Set.of("default-scheduler"),
			(pod) -> "important".equals(pod.getSpec().getPriorityClassName()) ? 1000 : null);

	@Test
	void anUnassignedPodOfAnotherSchedulerIsLeftAlone() {
		this.handlers.pods().onAdd(pod("p").editSpec().withSchedulerName("other").endSpec().build());

		assertThat(this.queue.whereIs("default/p")).isNull();
	}

	@Test
	void aPodWithoutSpecPriorityGetsItsPriorityClassValue() throws InterruptedException {
		this.handlers.pods().onAdd(pod("low").build());
		this.handlers.pods().onAdd(pod("high").editSpec().withPriorityClassName("important").endSpec().build());

		PodInfo first = this.queue.pop(Duration.ZERO).pod();

		assertThat(first.key()).isEqualTo("default/high");
		assertThat(first.priority()).isEqualTo(1000);
	}

	@Test
	void aPriorityClassSeenAfterItsPodGivesTheWaitingPodItsValueAndAnotherTry() throws InterruptedException {
		Map<String, Integer> classes = new HashMap<>();
		ClusterEventHandlers late = new ClusterEventHandlers(this.queue, this.cache, Set.of("default-scheduler"),
				(pod) -> classes.get(pod.getSpec().getPriorityClassName()));
		Pod high = pod("high").editSpec().withPriorityClassName("late").endSpec().build();
		Pod other = pod("other").editSpec().withPriorityClassName("another").endSpec().build();
		late.pods().onAdd(high);
		late.pods().onAdd(other);
		for (int i = 0; i < 2; i++) {
			QueuedPodInfo popped = this.queue.pop(Duration.ZERO);
			assertThat(popped.pod().priority()).isZero();
			this.queue.addUnschedulable(popped, this.queue.schedulingCycle(), false);
		}

		classes.put("late", 1000);
		late.priorityClasses(() -> List.of(high, other))
			.onAdd(new PriorityClassBuilder().withNewMetadata().withName("late").endMetadata().withValue(1000).build());

		assertThat(this.queue.whereIs("default/other")).isEqualTo("unschedulable");
		assertThat(this.queue.whereIs("default/high")).isIn("active", "backoff");
		this.clock.advance(Duration.ofSeconds(20));
		this.queue.flushBackoffCompleted();
		PodInfo retried = this.queue.pop(Duration.ofSeconds(5)).pod();
		assertThat(retried.key()).isEqualTo("default/high");
		assertThat(retried.priority()).isEqualTo(1000);
	}

	@Test
	void aPriorityClassSeenWhileItsPodIsBeingScheduledSendsAFailedAttemptToBackoff() throws InterruptedException {
		Map<String, Integer> classes = new HashMap<>();
		ClusterEventHandlers late = new ClusterEventHandlers(this.queue, this.cache, Set.of("default-scheduler"),
				(pod) -> classes.get(pod.getSpec().getPriorityClassName()));
		Pod high = pod("high").editSpec().withPriorityClassName("late").endSpec().build();
		late.pods().onAdd(high);
		QueuedPodInfo inFlight = this.queue.pop(Duration.ZERO);
		long cycle = this.queue.schedulingCycle();

		classes.put("late", 1000);
		late.priorityClasses(() -> List.of(high))
			.onAdd(new PriorityClassBuilder().withNewMetadata().withName("late").endMetadata().withValue(1000).build());
		// The cycle that started with priority 0 fails.
		this.queue.addUnschedulable(inFlight, cycle, false);

		assertThat(this.queue.whereIs("default/high")).isEqualTo("backoff");
		this.clock.advance(Duration.ofSeconds(20));
		this.queue.flushBackoffCompleted();
		assertThat(this.queue.pop(Duration.ofSeconds(5)).pod().priority()).isEqualTo(1000);
	}

	@Test
	void aStatusOnlyUpdateDoesNotRetryAnUnschedulablePod() throws InterruptedException {
		Pod pod = pod("p").build();
		this.handlers.pods().onAdd(pod);
		this.queue.addUnschedulable(this.queue.pop(Duration.ZERO), this.queue.schedulingCycle(), false);
		Pod withCondition = new PodBuilder(pod).withNewStatus()
			.addNewCondition()
			.withType("PodScheduled")
			.withStatus("False")
			.endCondition()
			.endStatus()
			.build();

		this.handlers.pods().onUpdate(pod, withCondition);

		assertThat(this.queue.whereIs("default/p")).isEqualTo("unschedulable");
	}

	@Test
	void aBoundPodLeavesTheQueueAndCountsOnItsNode() {
		Pod pod = pod("p", "1", "").build();
		this.cache.addOrUpdateNode(node("n1").build());
		this.handlers.pods().onAdd(pod);

		this.handlers.pods().onUpdate(pod, new PodBuilder(pod).editSpec().withNodeName("n1").endSpec().build());

		assertThat(this.queue.whereIs("default/p")).isNull();
		assertThat(this.cache.node("n1").requested().milliCpu).isEqualTo(1000);
	}

	@Test
	void aFinishedPodStopsCountingAndWakesUnschedulablePods() throws InterruptedException {
		Pod done = new PodBuilder(pod("done", "1", "").build()).editSpec().withNodeName("n1").endSpec().build();
		this.cache.addOrUpdateNode(node("n1").build());
		this.handlers.pods().onAdd(done);
		this.handlers.pods().onAdd(pod("waiting").build());
		this.queue.addUnschedulable(this.queue.pop(Duration.ZERO), this.queue.schedulingCycle(), false);

		this.handlers.pods()
			.onUpdate(done, new PodBuilder(done).withNewStatus().withPhase("Succeeded").endStatus().build());

		assertThat(this.cache.node("n1").requested().milliCpu).isZero();
		assertThat(this.queue.whereIs("default/waiting")).isIn("active", "backoff");
	}

	@Test
	void aNodeHeartbeatDoesNotWakeUnschedulablePodsButALabelChangeDoes() throws InterruptedException {
		var node = node("n1").build();
		this.handlers.nodes().onAdd(node);
		this.handlers.pods().onAdd(pod("waiting").build());
		this.queue.addUnschedulable(this.queue.pop(Duration.ZERO), this.queue.schedulingCycle(), false);

		var heartbeat = new io.fabric8.kubernetes.api.model.NodeBuilder(node).editStatus()
			.addNewCondition()
			.withType("Ready")
			.withStatus("True")
			.endCondition()
			.endStatus()
			.build();
		this.handlers.nodes().onUpdate(node, heartbeat);
		assertThat(this.queue.whereIs("default/waiting")).isEqualTo("unschedulable");

		this.handlers.nodes()
			.onUpdate(heartbeat,
					new io.fabric8.kubernetes.api.model.NodeBuilder(heartbeat).editMetadata()
						.addToLabels("disktype", "ssd")
						.endMetadata()
						.build());
		assertThat(this.queue.whereIs("default/waiting")).isIn("active", "backoff");
	}

}
