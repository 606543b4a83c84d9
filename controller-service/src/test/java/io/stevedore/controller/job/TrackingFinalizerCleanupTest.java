package io.stevedore.controller.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrackingFinalizerCleanupTest {

	private final Map<String, Pod> pods = new HashMap<>();

	private final Map<String, Job> jobs = new HashMap<>();

	private final FakeJobControl control = new FakeJobControl();

	private final FinalizerRemovals removals = new FinalizerRemovals();

	private final TrackingFinalizerCleanup cleanup = new TrackingFinalizerCleanup(this.pods::get, this.jobs::get,
			this.control, this.removals);

	@Test
	void anOrphanHoldingTheFinalizerLetsGo() {
		givenPod(pod(null, null));

		this.cleanup.reconcile("team/p");

		assertThat(this.control.log).containsExactly("release p");
		assertThat(this.removals.pending("uid-p")).isTrue();
	}

	@Test
	void aPodOfARunningJobIsLeftToThatJob() {
		this.jobs.put("team/pi", job("job-uid", false));
		givenPod(pod("Job", "job-uid"));

		this.cleanup.reconcile("team/p");

		assertThat(this.control.log).isEmpty();
	}

	@Test
	void aPodWhoseJobIsGoneReplacedOrFinishedLetsGo() {
		givenPod(pod("Job", "job-uid"));
		this.cleanup.reconcile("team/p");
		this.jobs.put("team/pi", job("new-uid", false));
		givenPod(pod("Job", "job-uid"));
		this.cleanup.reconcile("team/p");
		this.jobs.put("team/pi", job("job-uid", true));
		givenPod(pod("Job", "job-uid"));
		this.cleanup.reconcile("team/p");

		assertThat(this.control.log).containsExactly("release p", "release p", "release p");
	}

	@Test
	void aPodOfAnotherKindOfControllerOrAlreadyLetGoIsLeftAlone() {
		givenPod(pod("ReplicaSet", "rs-uid"));
		this.cleanup.reconcile("team/p");
		Pod orphan = pod(null, null);
		givenPod(orphan);
		this.removals.expect("uid-p");
		this.cleanup.reconcile("team/p");

		assertThat(this.control.log).isEmpty();
	}

	private void givenPod(Pod pod) {
		this.removals.gone(pod);
		this.pods.put("team/p", pod);
	}

	private static Pod pod(String ownerKind, String ownerUid) {
		PodBuilder pod = new PodBuilder().withNewMetadata()
			.withNamespace("team")
			.withName("p")
			.withUid("uid-p")
			.withFinalizers(new ArrayList<>(List.of(JobTracking.FINALIZER)))
			.endMetadata();
		if (ownerKind != null) {
			pod.editMetadata()
				.addNewOwnerReference()
				.withKind(ownerKind)
				.withName("pi")
				.withUid(ownerUid)
				.withController(true)
				.endOwnerReference()
				.endMetadata();
		}
		return pod.build();
	}

	private static Job job(String uid, boolean finished) {
		Job job = new JobBuilder().withNewMetadata()
			.withNamespace("team")
			.withName("pi")
			.withUid(uid)
			.endMetadata()
			.withStatus(new JobStatus())
			.build();
		if (finished) {
			JobConditions.set(job.getStatus(), JobConditions.COMPLETE, "True", "CompletionsReached", "done",
					java.time.Instant.EPOCH);
		}
		return job;
	}

}
