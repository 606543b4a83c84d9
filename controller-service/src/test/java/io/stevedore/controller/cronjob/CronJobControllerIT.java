package io.stevedore.controller.cronjob;

import java.time.Duration;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.stevedore.controller.support.ControlPlaneTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CronJob against the real apiserver: a Job on schedule, and its pod from the Job
 * controller. The schedule is {@code @every 5s} (a descriptor Kubernetes' cron parser
 * takes too): a minute schedule made this test wait 30 s on average for the wall clock;
 * the minute fields' arithmetic is CronJobSyncTest's, on a fixed clock.
 */
class CronJobControllerIT extends ControlPlaneTest {

	@Test
	void aCronJobCreatesAJobOnScheduleAndForbidsAnotherWhileItRuns() {
		String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		client.batch()
			.v1()
			.cronjobs()
			.inNamespace(ns)
			.resource(new CronJobBuilder().withNewMetadata()
				.withName("tick")
				.endMetadata()
				.withNewSpec()
				.withSchedule("@every 5s")
				// The Job's pod never runs (no node): Forbid keeps it the only one.
				.withConcurrencyPolicy("Forbid")
				.withNewJobTemplate()
				.withNewSpec()
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
				.endJobTemplate()
				.endSpec()
				.build())
			.create();

		Job job = await().atMost(Duration.ofSeconds(30))
			.until(() -> client.batch().v1().jobs().inNamespace(ns).list().getItems(), jobs -> !jobs.isEmpty())
			.get(0);

		assertThat(job.getMetadata().getName()).startsWith("tick-");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy(
					e -> assertThat(e.getInvolvedObject().getKind() + " " + e.getReason() + ": " + e.getMessage())
						.isEqualTo("CronJob SuccessfulCreate: Created job " + job.getMetadata().getName())));
		assertThat(job.getMetadata().getAnnotations()).containsKey("batch.kubernetes.io/cronjob-scheduled-timestamp");
		assertThat(job.getMetadata().getOwnerReferences()).singleElement()
			.satisfies(ref -> assertThat(ref.getKind()).isEqualTo("CronJob"));
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			CronJob cronJob = client.batch().v1().cronjobs().inNamespace(ns).withName("tick").get();
			assertThat(cronJob.getStatus().getLastScheduleTime()).isNotNull();
			assertThat(cronJob.getStatus().getActive()).extracting("name").contains(job.getMetadata().getName());
		});
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(1));
		// Two more periods: the schedule came round again, and Forbid made no second Job.
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(client.v1().events().inNamespace(ns).list().getItems())
				.anySatisfy(e -> assertThat(e.getReason()).isEqualTo("JobAlreadyActive")));
		assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).singleElement()
			.satisfies(only -> assertThat(only.getMetadata().getName()).isEqualTo(job.getMetadata().getName()));
	}

}
