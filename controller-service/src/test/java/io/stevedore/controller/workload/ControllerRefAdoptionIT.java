package io.stevedore.controller.workload;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stevedore.controller.support.ControlPlaneExtension;
import io.stevedore.controller.support.TestPods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes' ControllerRefManager semantics for Jobs, StatefulSets and DaemonSets
 * against the real apiserver: orphans that match are adopted (and counted, never
 * duplicated), owned pods whose labels stop matching are released and replaced, and the
 * fresh read that guards an adoption. Only those three controllers run (no garbage
 * collector, node lifecycle or PodGC to touch the test's pods); the test plays the
 * kubelet.
 */
class ControllerRefAdoptionIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	/** A finalizer nobody removes but the test: keeps a deleted object, being deleted. */
	private static final String HOLD = "stevedore.io/test-hold";

	@RegisterExtension
	static final ControlPlaneExtension plane = new ControlPlaneExtension(
			"--stevedore.controllers.enabled=job,statefulset,daemonset");

	@Test
	void aJobAdoptsAMatchingOrphanWithTheTrackingFinalizerCountsItOnceAndRunsNoOtherPod() {
		String ns = namespace();
		Pod orphan = client().pods().inNamespace(ns).resource(pod("loose", Map.of("app", "batch"))).create();

		Job job = client().batch().v1().jobs().inNamespace(ns).resource(job("batch", 1)).create();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			Pod adopted = client().pods().inNamespace(ns).withName("loose").get();
			assertControlledBy(adopted, job.getMetadata().getUid());
			assertThat(adopted.getMetadata().getFinalizers()).as("adoption adds the tracking finalizer")
				.contains("batch.kubernetes.io/job-tracking");
			assertThat(status(ns, "batch").getActive()).isEqualTo(1);
		});
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> client().pods().inNamespace(ns).list().getItems().size() == 1);

		TestPods.finish(client(), orphan, "Succeeded", 0);

		await().atMost(TIMEOUT).untilAsserted(() -> {
			Job current = client().batch().v1().jobs().inNamespace(ns).withName("batch").get();
			assertThat(current.getStatus().getSucceeded()).isEqualTo(1);
			assertThat(current.getStatus().getConditions())
				.anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Complete=True"));
		});
		assertThat(client().pods().inNamespace(ns).list().getItems()).as("the adopted pod did the work").hasSize(1);
		assertThat(client().pods().inNamespace(ns).withName("loose").get().getMetadata().getFinalizers())
			.as("let go once counted")
			.doesNotContain("batch.kubernetes.io/job-tracking");
		await("counted once").during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> status(ns, "batch").getSucceeded() == 1);
	}

	@Test
	void aJobReleasesAPodRelabelledOutOfItsSelectorAndReplacesIt() {
		String ns = namespace();
		Job job = client().batch().v1().jobs().inNamespace(ns).resource(job("batch", 1)).create();
		String uid = job.getMetadata().getUid();
		Pod first = await().atMost(TIMEOUT)
			.until(() -> client().pods().inNamespace(ns).list().getItems(), pods -> pods.size() == 1)
			.get(0);

		relabel(first, Map.of("app", "debug"));

		await().atMost(TIMEOUT).untilAsserted(() -> {
			Pod released = client().pods().inNamespace(ns).withName(first.getMetadata().getName()).get();
			assertThat(ControllerRefs.controllerOf(released)).isNull();
			List<Pod> owned = owned(ns, uid);
			assertThat(owned).singleElement()
				.satisfies(p -> assertThat(p.getMetadata().getName()).isNotEqualTo(first.getMetadata().getName()));
			assertThat(status(ns, "batch").getActive()).isEqualTo(1);
		});
	}

	@Test
	void aStatefulSetAdoptsItsOrdinalOrphanAndOrphanRevisionButNotOtherNames() {
		String ns = namespace();
		Pod orphan = client().pods().inNamespace(ns).resource(pod("db-0", Map.of("app", "db"))).create();
		client().pods().inNamespace(ns).resource(pod("db-debug", Map.of("app", "db"))).create();
		client().apps()
			.controllerRevisions()
			.inNamespace(ns)
			.resource(new ControllerRevisionBuilder().withNewMetadata()
				.withName("db-previous")
				.addToLabels("app", "db")
				.endMetadata()
				.withRevision(1L)
				.build())
			.create();

		StatefulSet set = client().apps().statefulSets().inNamespace(ns).resource(statefulSet("db")).create();
		String uid = set.getMetadata().getUid();

		// The status is written after the adoptions: absent until then.
		await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
			Pod adopted = client().pods().inNamespace(ns).withName("db-0").get();
			assertThat(adopted.getMetadata().getUid()).as("the orphan itself, not a new db-0")
				.isEqualTo(orphan.getMetadata().getUid());
			assertControlledBy(adopted, uid);
			ControllerRevision previous = client().apps()
				.controllerRevisions()
				.inNamespace(ns)
				.withName("db-previous")
				.get();
			assertControlledBy(previous, uid);
			assertThat(client().apps().statefulSets().inNamespace(ns).withName("db").get().getStatus().getReplicas())
				.isEqualTo(1);
		});
		assertThat(ControllerRefs.controllerOf(client().pods().inNamespace(ns).withName("db-debug").get()))
			.as("not named <set>-<ordinal>: not the set's")
			.isNull();

		relabel(client().pods().inNamespace(ns).withName("db-0").get(), Map.of("app", "debug"));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(
					ControllerRefs.controllerOf(client().pods().inNamespace(ns).withName("db-0").get()))
				.isNull());
		// The released pod holds the name: the set makes db-0 again once it is gone.
		client().pods().inNamespace(ns).withName("db-0").withGracePeriod(0).delete();
		await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
			Pod recreated = client().pods().inNamespace(ns).withName("db-0").get();
			assertThat(recreated.getMetadata().getUid()).isNotEqualTo(orphan.getMetadata().getUid());
			assertControlledBy(recreated, uid);
		});
	}

	@Test
	void aDaemonSetAdoptsTheOrphanOnANodeInsteadOfAddingASecondPodAndReplacesARelabelledOne() {
		String suffix = UUID.randomUUID().toString().substring(0, 6);
		String first = "adopt-a-" + suffix;
		String second = "adopt-b-" + suffix;
		for (String node : List.of(first, second)) {
			client().nodes()
				.resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
				.create();
		}
		try {
			String ns = namespace();
			Pod orphan = pod("loose", Map.of("app", "agent"));
			orphan.getSpec().setNodeName(first);
			orphan = client().pods().inNamespace(ns).resource(orphan).create();

			DaemonSet ds = client().apps().daemonSets().inNamespace(ns).resource(daemonSet("agent")).create();
			String uid = ds.getMetadata().getUid();

			String orphanUid = orphan.getMetadata().getUid();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				List<Pod> owned = owned(ns, uid);
				// One pod per node of the two: the orphan for the first, a new one for
				// the
				// second.
				assertThat(owned).hasSize(2).anySatisfy(p -> assertThat(p.getMetadata().getUid()).isEqualTo(orphanUid));
			});
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.until(() -> client().pods().inNamespace(ns).list().getItems().size() == 2);

			relabel(client().pods().inNamespace(ns).withName("loose").get(), Map.of("app", "debug"));

			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(ControllerRefs.controllerOf(client().pods().inNamespace(ns).withName("loose").get()))
					.isNull();
				List<Pod> owned = owned(ns, uid);
				assertThat(owned).hasSize(2)
					.noneSatisfy(p -> assertThat(p.getMetadata().getUid()).isEqualTo(orphanUid));
			});
		}
		finally {
			client().nodes().withName(first).delete();
			client().nodes().withName(second).delete();
		}
	}

	@Test
	void aDaemonSetAdoptsAnOrphanRevisionItsSelectorMatchesAndNumbersItsOwnAfterIt() {
		String ns = namespace();
		client().apps()
			.controllerRevisions()
			.inNamespace(ns)
			.resource(new ControllerRevisionBuilder().withNewMetadata()
				.withName("agent-previous")
				.addToLabels("app", "agent")
				.endMetadata()
				.withRevision(1L)
				.build())
			.create();

		DaemonSet ds = client().apps().daemonSets().inNamespace(ns).resource(daemonSet("agent")).create();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			List<ControllerRevision> revisions = client().apps()
				.controllerRevisions()
				.inNamespace(ns)
				.list()
				.getItems();
			assertThat(revisions).hasSize(2)
				.allSatisfy(r -> assertControlledBy(r, ds.getMetadata().getUid()))
				.extracting(r -> r.getMetadata().getName() + "@" + r.getRevision())
				.contains("agent-previous@1")
				.anyMatch(name -> name.endsWith("@2") && !name.startsWith("agent-previous"));
		});
	}

	@Test
	void aPodBeingDeletedIsNotAdoptedNorIsAnythingByADaemonSetBeingDeleted() {
		String ns = namespace();
		DaemonSet held = daemonSet("held");
		held.getMetadata().setFinalizers(List.of(HOLD));
		DaemonSet ds = client().apps().daemonSets().inNamespace(ns).resource(held).create();
		Pod leaving = pod("leaving", Map.of("app", "held"));
		leaving.getMetadata().setFinalizers(List.of(HOLD));
		client().pods().inNamespace(ns).resource(leaving).create();
		client().pods().inNamespace(ns).withName("leaving").delete();
		client().pods().inNamespace(ns).resource(pod("live", Map.of("app", "held"))).create();

		// The live orphan shows the DaemonSet adopts: the terminating one was seen too.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertControlledBy(client().pods().inNamespace(ns).withName("live").get(),
					ds.getMetadata().getUid()));
		assertThat(ControllerRefs.controllerOf(client().pods().inNamespace(ns).withName("leaving").get())).isNull();

		client().apps().daemonSets().inNamespace(ns).withName("held").delete();
		client().pods().inNamespace(ns).resource(pod("late", Map.of("app", "held"))).create();
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> ControllerRefs.controllerOf(client().pods().inNamespace(ns).withName("late").get()) == null);

		letGo(client().apps().daemonSets().inNamespace(ns).withName("held").get());
		letGo(client().pods().inNamespace(ns).withName("leaving").get());
	}

	@Test
	void theFreshReadPassesTheLiveOwnerAndRefusesAReplacedDeletingOrMissingOne() {
		String ns = namespace();
		Job job = client().batch().v1().jobs().inNamespace(ns).resource(job("fresh", 0)).create();
		FreshOwnerRead check = new FreshOwnerRead(client());

		check.check(job);

		Job replaced = new JobBuilder(job).editMetadata().withUid("another-uid").endMetadata().build();
		assertThatThrownBy(() -> check.check(replaced)).hasMessage("original Job " + ns + "/fresh is gone: got uid "
				+ job.getMetadata().getUid() + ", wanted another-uid");

		// A patch without resourceVersion: the job controller writes the Job's status
		// meanwhile (an edit's read-modify-write got 409 in CI).
		client().batch()
			.v1()
			.jobs()
			.inNamespace(ns)
			.withName("fresh")
			.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":[\"" + HOLD + "\"]}}");
		client().batch().v1().jobs().inNamespace(ns).withName("fresh").delete();
		assertThatThrownBy(() -> check.check(job)).hasMessageStartingWith(ns + "/fresh has just been deleted at ");

		Job missing = new JobBuilder(job).editMetadata().withName("missing").endMetadata().build();
		assertThatThrownBy(() -> check.check(missing)).isInstanceOf(KubernetesClientException.class)
			.satisfies(ex -> assertThat(((KubernetesClientException) ex).getCode()).isEqualTo(404));

		letGo(client().batch().v1().jobs().inNamespace(ns).withName("fresh").get());
	}

	/** Lets a held object go: its finalizers removed, whatever changed meanwhile. */
	private static void letGo(io.fabric8.kubernetes.api.model.HasMetadata object) {
		client().resource(object).patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
	}

	private static KubernetesClient client() {
		return plane.client();
	}

	private static void assertControlledBy(io.fabric8.kubernetes.api.model.HasMetadata object, String uid) {
		OwnerReference ref = ControllerRefs.controllerOf(object);
		assertThat(ref).as("controllerRef of %s", object.getMetadata().getName()).isNotNull();
		assertThat(ref.getUid()).isEqualTo(uid);
		assertThat(ref.getBlockOwnerDeletion()).isTrue();
	}

	private static List<Pod> owned(String ns, String uid) {
		return client().pods()
			.inNamespace(ns)
			.list()
			.getItems()
			.stream()
			.filter((p) -> p.getMetadata().getDeletionTimestamp() == null)
			.filter((p) -> ControllerRefs.isControlledBy(p, uid))
			.toList();
	}

	private static io.fabric8.kubernetes.api.model.batch.v1.JobStatus status(String ns, String name) {
		Job job = client().batch().v1().jobs().inNamespace(ns).withName(name).get();
		assertThat(job.getStatus()).isNotNull();
		return job.getStatus();
	}

	private static void relabel(Pod pod, Map<String, String> labels) {
		client().pods()
			.inNamespace(pod.getMetadata().getNamespace())
			.withName(pod.getMetadata().getName())
			// Replaced without resourceVersion: the controllers patch the pod meanwhile.
			.patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/metadata/labels\",\"value\":"
					+ io.fabric8.kubernetes.client.utils.Serialization.asJson(labels) + "}]");
	}

	private static String namespace() {
		String ns = "adopt-" + UUID.randomUUID().toString().substring(0, 8);
		client().namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		return ns;
	}

	private static Pod pod(String name, Map<String, String> labels) {
		Pod pod = new PodBuilder(TestPods.bound(name, null)).editMetadata().withLabels(labels).endMetadata().build();
		pod.getSpec().setRestartPolicy("Never");
		return pod;
	}

	private static io.fabric8.kubernetes.api.model.LabelSelector selector(String app) {
		return new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().addToMatchLabels("app", app).build();
	}

	/** manualSelector: its pods are those labelled app=<name>, as a user picked them. */
	private static Job job(String name, int parallelism) {
		return new JobBuilder().withMetadata(new ObjectMetaBuilder().withName(name).build())
			.withNewSpec()
			.withCompletions(1)
			.withParallelism(parallelism)
			.withManualSelector(true)
			.withSelector(selector(name))
			.withTemplate(TestPods.template(Map.of("app", name)))
			.editTemplate()
			.editSpec()
			.withRestartPolicy("Never")
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

	/** OnDelete: an adopted pod of another template is kept, not rolled. */
	private static StatefulSet statefulSet(String name) {
		return new StatefulSetBuilder().withMetadata(new ObjectMetaBuilder().withName(name).build())
			.withNewSpec()
			.withReplicas(1)
			.withServiceName(name)
			.withSelector(selector(name))
			.withNewUpdateStrategy()
			.withType("OnDelete")
			.endUpdateStrategy()
			.withTemplate(TestPods.template(Map.of("app", name)))
			.endSpec()
			.build();
	}

	/** OnDelete: an adopted pod of another template is kept, not rolled. */
	private static DaemonSet daemonSet(String name) {
		return new DaemonSetBuilder().withMetadata(new ObjectMetaBuilder().withName(name).build())
			.withNewSpec()
			.withSelector(selector(name))
			.withNewUpdateStrategy()
			.withType("OnDelete")
			.endUpdateStrategy()
			.withTemplate(TestPods.template(Map.of("app", name)))
			.endSpec()
			.build();
	}

}
