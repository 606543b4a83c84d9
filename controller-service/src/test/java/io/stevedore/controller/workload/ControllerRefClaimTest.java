package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.machinery.selectors.LabelSelector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kubernetes' ControllerRefManager semantics, on a Job owner and in-memory pods. */
class ControllerRefClaimTest {

	private static final LabelSelector SELECTOR = LabelSelector
		.from(new LabelSelectorBuilder().addToMatchLabels("app", "batch").build());

	private final Job job = job("job-uid");

	private final RecordingCanAdopt canAdopt = new RecordingCanAdopt();

	/** The patches sent, by pod name. */
	private final Map<String, List<OwnerReference>> patched = new LinkedHashMap<>();

	/** Pod name to the failure its patch answers with. */
	private final Map<String, KubernetesClientException> failing = new LinkedHashMap<>();

	@Test
	void anOrphanThatMatchesIsAdoptedWithABlockingControllerReferenceAfterAFreshCheck() {
		Pod orphan = pod("orphan", Map.of("app", "batch"));
		orphan.getMetadata()
			.setOwnerReferences(new ArrayList<>(List
				.of(new OwnerReferenceBuilder().withKind("ConfigMap").withName("notes").withUid("cm-uid").build())));

		List<Pod> claimed = claim(orphan);

		assertThat(claimed).containsExactly(orphan);
		assertThat(this.canAdopt.asked).containsExactly("pi");
		assertThat(this.patched.get("orphan")).hasSize(2).last().satisfies(ref -> {
			assertThat(ref.getUid()).isEqualTo("job-uid");
			assertThat(ref.getKind()).isEqualTo("Job");
			assertThat(ref.getApiVersion()).isEqualTo("batch/v1");
			assertThat(ref.getName()).isEqualTo("pi");
			assertThat(ref.getController()).isTrue();
			assertThat(ref.getBlockOwnerDeletion()).isTrue();
		});
		assertThat(this.patched.get("orphan").get(0).getUid()).as("other owners are kept").isEqualTo("cm-uid");
	}

	@Test
	void anOwnedPodWhoseLabelsNoLongerMatchIsReleasedByUidAndNotClaimed() {
		Pod owned = owned(pod("relabelled", Map.of("app", "debug")), this.job);
		owned.getMetadata()
			.getOwnerReferences()
			.add(new OwnerReferenceBuilder().withKind("ConfigMap").withName("notes").withUid("cm-uid").build());
		Pod kept = owned(pod("kept", Map.of("app", "batch")), this.job);

		List<Pod> claimed = claim(owned, kept);

		assertThat(claimed).containsExactly(kept);
		assertThat(this.patched).containsOnlyKeys("relabelled");
		assertThat(this.patched.get("relabelled")).extracting(OwnerReference::getUid).containsExactly("cm-uid");
		assertThat(this.canAdopt.asked).as("no adoption, no fresh read").isEmpty();
	}

	@Test
	void podsControlledByAnotherOwnerAreIgnoredEvenWhenTheyMatch() {
		Pod theirs = owned(pod("theirs", Map.of("app", "batch")), job("other-uid"));

		assertThat(claim(theirs)).isEmpty();
		assertThat(this.patched).isEmpty();
		assertThat(this.canAdopt.asked).isEmpty();
	}

	@Test
	void anOwnerBeingDeletedNeitherAdoptsNorReleasesButKeepsItsMatchingPods() {
		this.job.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
		Pod orphan = pod("orphan", Map.of("app", "batch"));
		Pod relabelled = owned(pod("relabelled", Map.of("app", "debug")), this.job);
		Pod kept = owned(pod("kept", Map.of("app", "batch")), this.job);

		assertThat(claim(orphan, relabelled, kept)).containsExactly(kept);
		assertThat(this.patched).isEmpty();
		assertThat(this.canAdopt.asked).isEmpty();
	}

	@Test
	void aPodBeingDeletedIsNotAdopted() {
		Pod leaving = pod("leaving", Map.of("app", "batch"));
		leaving.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");

		assertThat(claim(leaving)).isEmpty();
		assertThat(this.patched).isEmpty();
	}

	@Test
	void orphansThatDoNotMatchOrLiveInAnotherNamespaceAreLeftAlone() {
		Pod unrelated = pod("unrelated", Map.of("app", "web"));
		Pod elsewhere = pod("elsewhere", Map.of("app", "batch"));
		elsewhere.getMetadata().setNamespace("other");

		assertThat(claim(unrelated, elsewhere)).isEmpty();
		assertThat(this.patched).isEmpty();
	}

	@Test
	void theFreshCheckRunsOncePerClaimAndItsRefusalAdoptsNothingButStillReleasesThenFails() {
		this.canAdopt.refuse("original Job team/pi is gone: got uid new-uid, wanted job-uid");
		Pod first = pod("first", Map.of("app", "batch"));
		Pod second = pod("second", Map.of("app", "batch"));
		Pod relabelled = owned(pod("relabelled", Map.of("app", "debug")), this.job);

		assertThatThrownBy(() -> claim(first, second, relabelled)).isInstanceOf(IllegalStateException.class)
			.hasMessage("can't adopt Pod team/first (uid-first): "
					+ "original Job team/pi is gone: got uid new-uid, wanted job-uid")
			.satisfies(ex -> assertThat(ex.getSuppressed()).hasSize(1));
		assertThat(this.canAdopt.asked).containsExactly("pi");
		assertThat(this.patched).containsOnlyKeys("relabelled");
	}

	@Test
	void anOrphanGoneBeforeItsAdoptionIsSkippedAndAConflictFailsTheClaimAfterTheRest() {
		this.failing.put("gone", new KubernetesClientException("pods \"gone\" not found", 404, null));
		this.failing.put("changed", new KubernetesClientException("the object has been modified", 409, null));
		Pod gone = pod("gone", Map.of("app", "batch"));
		Pod changed = pod("changed", Map.of("app", "batch"));
		Pod adopted = pod("adopted", Map.of("app", "batch"));

		assertThatThrownBy(() -> claim(gone, changed, adopted)).isInstanceOf(KubernetesClientException.class)
			.satisfies(ex -> assertThat(((KubernetesClientException) ex).getCode()).isEqualTo(409));
		assertThat(this.patched).containsOnlyKeys("adopted");
		assertThat(this.canAdopt.asked).hasSize(1);
	}

	@Test
	void aReleaseOfAPodGoneOrNoLongerOursIsNotAFailure() {
		this.failing.put("gone", new KubernetesClientException("not found", 404, null));
		this.failing.put("invalid", new KubernetesClientException("invalid", 422, null));

		assertThat(claim(owned(pod("gone", Map.of()), this.job), owned(pod("invalid", Map.of()), this.job))).isEmpty();
	}

	@Test
	void anExtraConditionNarrowsWhatIsAdoptedAndReleasesOwnedPodsFailingIt() {
		Pod member = pod("web-0", Map.of("app", "batch"));
		Pod stranger = pod("web-x", Map.of("app", "batch"));
		Pod ownedStranger = owned(pod("debug", Map.of("app", "batch")), this.job);

		List<Pod> claimed = ControllerRefClaim.claim(this.job,
				(Pod p) -> ControllerRefClaim.selects(SELECTOR, p) && p.getMetadata().getName().matches("web-\\d+"),
				List.of(member, stranger, ownedStranger), this.canAdopt, this::patch);

		assertThat(claimed).containsExactly(member);
		assertThat(this.patched).containsOnlyKeys("web-0", "debug");
		assertThat(this.patched.get("debug")).isEmpty();
	}

	private List<Pod> claim(Pod... pods) {
		return ControllerRefClaim.claim(this.job, SELECTOR, List.of(pods), this.canAdopt, this::patch);
	}

	private void patch(Pod pod, List<OwnerReference> refs) {
		KubernetesClientException failure = this.failing.get(pod.getMetadata().getName());
		if (failure != null) {
			throw failure;
		}
		this.patched.put(pod.getMetadata().getName(), refs);
	}

	private static Job job(String uid) {
		return new JobBuilder().withNewMetadata()
			.withNamespace("team")
			.withName("pi")
			.withUid(uid)
			.endMetadata()
			.build();
	}

	private static Pod owned(Pod pod, Job owner) {
		List<OwnerReference> refs = new ArrayList<>();
		refs.add(ControllerRefs.of(owner));
		pod.getMetadata().setOwnerReferences(refs);
		return pod;
	}

	private static Pod pod(String name, Map<String, String> labels) {
		return new PodBuilder().withNewMetadata()
			.withNamespace("team")
			.withName(name)
			.withUid("uid-" + name)
			.withLabels(labels)
			.endMetadata()
			.build();
	}

}
