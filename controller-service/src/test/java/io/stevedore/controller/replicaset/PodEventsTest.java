package io.stevedore.controller.replicaset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.workqueue.ExponentialFailureRateLimiter;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.workload.ControllerExpectations;
import org.junit.jupiter.api.Test;

import static io.stevedore.controller.replicaset.ReplicaSetSyncTest.pod;
import static io.stevedore.controller.replicaset.ReplicaSetSyncTest.replicaSet;
import static org.assertj.core.api.Assertions.assertThat;

class PodEventsTest {

	final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:10:00Z"));

	final WorkQueue<String> queue = new WorkQueue<>(this.clock, ExponentialFailureRateLimiter.defaults());

	final ReplicaSet web = replicaSet("web", 1);

	final InMemoryLister<ReplicaSet> replicaSets = InMemoryLister.of(this.web, replicaSet("api", 1));

	final ControllerExpectations expectations = new ControllerExpectations(this.clock);

	final PodEvents events = new PodEvents(this.queue, this.replicaSets, this.expectations);

	@Test
	void aPodOfAReplicaSetLowersItsCreationExpectationsAndWakesIt() throws Exception {
		this.expectations.expectCreations("shop/web", 1);

		this.events.onAdd(pod("web-1", this.web, false, null, "2026-01-01T00:00:00Z"));

		assertThat(this.expectations.satisfied("shop/web")).isTrue();
		assertThat(drain()).containsExactly("shop/web");
	}

	@Test
	void anOrphanWakesTheReplicaSetsWhoseSelectorMatchesIt() throws Exception {
		this.events.onAdd(pod("orphan", null, false, null, "2026-01-01T00:00:00Z"));

		assertThat(drain()).containsExactly("shop/web");
	}

	@Test
	void aPodStartingGracefulDeletionLowersDeletionExpectationsOnceOnly() throws Exception {
		this.expectations.expectDeletions("shop/web", 2);
		Pod pod = pod("web-1", this.web, true, "n", "2026-01-01T00:00:00Z");
		Pod terminating = Serialization.clone(pod);
		terminating.getMetadata().setDeletionTimestamp("2026-01-01T00:09:00Z");
		terminating.getMetadata().setResourceVersion("8");

		this.events.onUpdate(pod, terminating);
		this.events.onDelete(terminating, false);

		assertThat(this.expectations.satisfied("shop/web")).as("one of two deletions seen").isFalse();
	}

	@Test
	void aRelabelledPodWakesBothItsOldOwnerAndTheReplicaSetsNowSelectingIt() throws Exception {
		Pod pod = pod("web-1", this.web, true, "n", "2026-01-01T00:00:00Z");
		Pod released = Serialization.clone(pod);
		released.getMetadata().setOwnerReferences(List.of());
		released.getMetadata().setLabels(Map.of("app", "api"));
		released.getMetadata().setResourceVersion("8");

		this.events.onUpdate(pod, released);

		assertThat(drain()).containsExactlyInAnyOrder("shop/web", "shop/api");
	}

	@Test
	void aResyncWithTheSameResourceVersionEnqueuesNothing() throws Exception {
		Pod pod = pod("web-1", this.web, true, "n", "2026-01-01T00:00:00Z");

		this.events.onUpdate(pod, pod);

		assertThat(drain()).isEmpty();
	}

	private List<String> drain() throws InterruptedException {
		List<String> keys = new ArrayList<>();
		while (this.queue.length() > 0) {
			Optional<String> key = this.queue.get();
			key.ifPresent(k -> {
				keys.add(k);
				this.queue.done(k);
			});
		}
		return keys;
	}

}
