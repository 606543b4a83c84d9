package io.stevedore.controller.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.stevedore.controller.support.ControlPlaneTest;
import io.stevedore.controller.support.TestPods;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Jobs against the real apiserver; the test plays the kubelet by writing pod phases. */
class JobControllerIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void aJobOfThreeCompletionsFinishesWhenItsPodsSucceed() {
		String ns = createNamespace();
		client.batch().v1().jobs().inNamespace(ns).resource(job("pi", 3, 3, 6)).create();

		List<Pod> pods = awaitPods(ns, 3);
		assertThat(pods).allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("job-name", "pi")
			.containsKey("controller-uid"));
		pods.forEach(p -> finish(p, "Succeeded", 0));

		await().atMost(TIMEOUT).untilAsserted(() -> {
			Job job = client.batch().v1().jobs().inNamespace(ns).withName("pi").get();
			assertThat(job.getStatus().getSucceeded()).isEqualTo(3);
			assertThat(job.getStatus().getCompletionTime()).isNotNull();
			assertThat(job.getStatus().getConditions())
				.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Complete=True"));
		});
		assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(3);
		// What 'kubectl describe job' shows, as Kubernetes' job-controller words it.
		await().atMost(TIMEOUT).untilAsserted(() -> {
			List<String> events = client.v1()
				.events()
				.inNamespace(ns)
				.list()
				.getItems()
				.stream()
				.filter(e -> "Job".equals(e.getInvolvedObject().getKind()))
				.map(e -> e.getSource().getComponent() + " " + e.getReason() + ": " + e.getMessage())
				.toList();
			assertThat(events).contains("job-controller Completed: Job completed")
				.filteredOn(e -> e.startsWith("job-controller SuccessfulCreate: Created pod: pi-"))
				.hasSize(3);
		});
	}

	@Test
	void aJobWhosePodsFailBacksOffThenFailsAtItsBackoffLimit() {
		String ns = createNamespace();
		client.batch().v1().jobs().inNamespace(ns).resource(job("flaky", 1, 1, 1)).create();

		Pod first = awaitPods(ns, 1).get(0);
		Instant failedAt = Instant.now();
		finish(first, "Failed", 1);
		Pod second = await().atMost(TIMEOUT).until(() -> onlyPodOtherThan(ns, first), p -> p != null);
		assertThat(Duration.between(failedAt, Instant.parse(second.getMetadata().getCreationTimestamp())))
			.as("the replacement waits out the 10 s back-off")
			.isGreaterThan(Duration.ofSeconds(8));
		finish(second, "Failed", 1);

		await().atMost(TIMEOUT).untilAsserted(() -> {
			Job job = client.batch().v1().jobs().inNamespace(ns).withName("flaky").get();
			assertThat(job.getStatus().getFailed()).isEqualTo(2);
			assertThat(job.getStatus().getConditions()).anySatisfy(c -> {
				assertThat(c.getType()).isEqualTo("Failed");
				assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
			});
		});
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
				.anySatisfy(e -> assertThat(e.getType() + " " + e.getReason() + ": " + e.getMessage())
					.isEqualTo("Warning BackoffLimitExceeded: Job has reached the specified backoff limit")));
		assertThat(client.pods().inNamespace(ns).list().getItems()).as("no runaway pod creation").hasSize(2);
	}

	@Test
	void aFinishedPodAUserDeletesAtOnceIsStillCountedAndNotRunAgain() {
		String ns = createNamespace();
		client.batch().v1().jobs().inNamespace(ns).resource(job("tracked", 2, 1, 6)).create();
		Pod first = awaitPods(ns, 1).get(0);
		assertThat(first.getMetadata().getFinalizers()).contains("batch.kubernetes.io/job-tracking");

		finish(first, "Succeeded", 0);
		client.pods().inNamespace(ns).withName(first.getMetadata().getName()).withGracePeriod(0).delete();

		Pod second = await().atMost(TIMEOUT).until(() -> onlyPodOtherThan(ns, first), p -> p != null);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			Job job = client.batch().v1().jobs().inNamespace(ns).withName("tracked").get();
			assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
			assertThat(client.pods().inNamespace(ns).withName(first.getMetadata().getName()).get())
				.as("let go once counted")
				.isNull();
		});
		finish(second, "Succeeded", 0);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			Job job = client.batch().v1().jobs().inNamespace(ns).withName("tracked").get();
			assertThat(job.getStatus().getSucceeded()).isEqualTo(2);
			assertThat(job.getStatus().getConditions())
				.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Complete=True"));
			assertThat(client.pods()
				.inNamespace(ns)
				.withName(second.getMetadata().getName())
				.get()
				.getMetadata()
				.getFinalizers()).doesNotContain("batch.kubernetes.io/job-tracking");
		});
		assertThat(client.pods().inNamespace(ns).list().getItems()).as("the deleted pod was not run again").hasSize(1);
	}

	@Test
	void aPodFinishedWhileTheControllerIsDownIsCountedOnceByTheNextOneAndCountedPodsAreNotCountedAgain() {
		String ns = createNamespace();
		client.batch().v1().jobs().inNamespace(ns).resource(job("restart", 3, 1, 6)).create();
		Pod first = awaitPods(ns, 1).get(0);
		finish(first, "Succeeded", 0);
		Pod second = await().atMost(TIMEOUT).until(() -> onlyPodOtherThan(ns, first), p -> p != null);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(finalizersOf(ns, first)).isEmpty());

		plane.stopControllers();
		finish(second, "Succeeded", 0);
		plane.restartControllers("test-replica-restarted");

		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(succeeded(ns, "restart")).isEqualTo(2);
			assertThat(finalizersOf(ns, second)).isEmpty();
			assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(3);
		});
		await("the two finished pods present, neither counted again").during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> succeeded(ns, "restart") == 2);
		Pod third = client.pods()
			.inNamespace(ns)
			.list()
			.getItems()
			.stream()
			.filter(p -> !"Succeeded".equals(p.getStatus().getPhase()))
			.findFirst()
			.orElseThrow();
		assertThat(third.getMetadata().getFinalizers()).contains("batch.kubernetes.io/job-tracking");
		finish(third, "Succeeded", 0);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(succeeded(ns, "restart")).isEqualTo(3);
			assertThat(client.batch().v1().jobs().inNamespace(ns).withName("restart").get().getStatus().getConditions())
				.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Complete=True"));
		});
	}

	@Test
	void noPodStaysTerminatingOnTheFinalizerWhenItsJobIsDeletedInAnyPropagation() {
		for (DeletionPropagation propagation : DeletionPropagation.values()) {
			String ns = createNamespace();
			client.batch().v1().jobs().inNamespace(ns).resource(job("doomed", 2, 2, 6)).create();
			List<Pod> pods = awaitPods(ns, 2);
			assertThat(pods).allSatisfy(
					p -> assertThat(p.getMetadata().getFinalizers()).contains("batch.kubernetes.io/job-tracking"));

			client.batch().v1().jobs().inNamespace(ns).withName("doomed").withPropagationPolicy(propagation).delete();

			await(propagation + " deletion").atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(client.batch().v1().jobs().inNamespace(ns).withName("doomed").get()).isNull();
				List<Pod> left = client.pods().inNamespace(ns).list().getItems();
				if (propagation == DeletionPropagation.ORPHAN) {
					assertThat(left).hasSize(2)
						.allSatisfy(p -> assertThat(p.getMetadata().getFinalizers())
							.doesNotContain("batch.kubernetes.io/job-tracking"));
				}
				else {
					assertThat(left).isEmpty();
				}
			});
		}
	}

	private static List<String> finalizersOf(String ns, Pod pod) {
		return client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get().getMetadata().getFinalizers();
	}

	private static Integer succeeded(String ns, String name) {
		return client.batch().v1().jobs().inNamespace(ns).withName(name).get().getStatus().getSucceeded();
	}

	private static Pod onlyPodOtherThan(String ns, Pod pod) {
		return client.pods()
			.inNamespace(ns)
			.list()
			.getItems()
			.stream()
			.filter(p -> !p.getMetadata().getName().equals(pod.getMetadata().getName()))
			.findFirst()
			.orElse(null);
	}

	private static List<Pod> awaitPods(String ns, int count) {
		return await().atMost(TIMEOUT)
			.until(() -> client.pods().inNamespace(ns).list().getItems(), pods -> pods.size() == count);
	}

	private static void finish(Pod pod, String phase, int exitCode) {
		TestPods.finish(client, pod, phase, exitCode);
	}

	private static Job job(String name, int completions, int parallelism, int backoffLimit) {
		return new JobBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withCompletions(completions)
			.withParallelism(parallelism)
			.withBackoffLimit(backoffLimit)
			.withNewTemplate()
			.withNewSpec()
			.withRestartPolicy("Never")
			.addNewContainer()
			.withName("app")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

}
