package io.stevedore.controller.workload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.clock.FakeClock;
import io.stevedore.client.workqueue.ExponentialFailureRateLimiter;
import io.stevedore.client.workqueue.WorkQueue;
import io.stevedore.controller.replicaset.InMemoryLister;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pod events to Job keys: owned pods wake their Job, orphans the Jobs that select them
 * ({@link SelectingOwners}), as Kubernetes' addPod/updatePod do.
 */
class OwnedObjectHandlerTest {

	private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final WorkQueue<String> queue = new WorkQueue<>(this.clock, ExponentialFailureRateLimiter.defaults());

	private final Job batch = job("batch", "team", new LabelSelectorBuilder().addToMatchLabels("app", "batch").build());

	private final InMemoryLister<Job> jobs = InMemoryLister.of(this.batch,
			job("web", "team", new LabelSelectorBuilder().addToMatchLabels("app", "web").build()),
			job("everything", "team", new LabelSelectorBuilder().build()),
			job("invalid", "team",
					new LabelSelectorBuilder().withMatchExpressions(new LabelSelectorRequirementBuilder().withKey("app")
						.withOperator("Near")
						.withValues("batch")
						.build()).build()),
			job("elsewhere", "other", new LabelSelectorBuilder().addToMatchLabels("app", "batch").build()));

	private final ControllerExpectations expectations = new ControllerExpectations(this.clock);

	private final OwnedObjectHandler<Pod> handler = new OwnedObjectHandler<>("Job", this.queue, this.expectations,
			new SelectingOwners<>(this.jobs, (job) -> job.getSpec().getSelector())::keysFor);

	@Test
	void anOrphanWakesOnlyTheJobsOfItsNamespaceWhoseNonEmptyValidSelectorMatches() throws Exception {
		this.expectations.expect("team/batch", 1, 0);

		this.handler.onAdd(pod("loose", Map.of("app", "batch")));

		assertThat(drain()).containsExactly("team/batch");
		assertThat(this.expectations.satisfied("team/batch")).as("an orphan is no creation of the Job's").isFalse();
	}

	@Test
	void anOwnedPodWakesItsJobAndIsACreationObserved() throws Exception {
		this.expectations.expect("team/batch", 1, 0);

		this.handler.onAdd(owned(pod("mine", Map.of("app", "web"))));

		assertThat(drain()).containsExactly("team/batch");
		assertThat(this.expectations.satisfied("team/batch")).isTrue();
	}

	@Test
	void anOrphanRelabelledIntoASelectorWakesThatJobAndAnUnchangedOneWakesNone() throws Exception {
		Pod before = pod("loose", Map.of("app", "other"));
		Pod after = Serialization.clone(before);
		after.getMetadata().setLabels(Map.of("app", "web"));

		this.handler.onUpdate(before, after);
		assertThat(drain()).containsExactly("team/web");

		this.handler.onUpdate(after, Serialization.clone(after));
		assertThat(drain()).isEmpty();
	}

	@Test
	void aReleasedPodWakesItsOldJobAndTheJobsNowSelectingIt() throws Exception {
		Pod before = owned(pod("mine", Map.of("app", "batch")));
		Pod after = Serialization.clone(before);
		after.getMetadata().setOwnerReferences(new ArrayList<>());
		after.getMetadata().setLabels(Map.of("app", "web"));

		this.handler.onUpdate(before, after);

		assertThat(drain()).containsExactlyInAnyOrder("team/batch", "team/web");
	}

	private Pod owned(Pod pod) {
		pod.getMetadata().setOwnerReferences(new ArrayList<>(List.of(ControllerRefs.of(this.batch))));
		return pod;
	}

	private static Pod pod(String name, Map<String, String> labels) {
		return new PodBuilder().withNewMetadata()
			.withNamespace("team")
			.withName(name)
			.withLabels(labels)
			.endMetadata()
			.build();
	}

	private static Job job(String name, String namespace, io.fabric8.kubernetes.api.model.LabelSelector selector) {
		return new JobBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.withUid(name + "-uid")
			.endMetadata()
			.withNewSpec()
			.withSelector(selector)
			.endSpec()
			.build();
	}

	private List<String> drain() throws InterruptedException {
		List<String> keys = new ArrayList<>();
		while (this.queue.length() > 0) {
			Optional<String> key = this.queue.get();
			key.ifPresent((k) -> {
				keys.add(k);
				this.queue.done(k);
			});
		}
		return keys;
	}

}
