package io.stevedore.controller.daemonset;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stevedore.controller.support.ControlPlaneTest;
import io.stevedore.controller.support.Kubectl;
import io.stevedore.controller.support.TestPods;
import io.stevedore.controller.workload.ControllerHistory;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.RevisionData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A DaemonSet against the real apiserver, following nodes as they join and leave. */
class DaemonSetControllerIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@Test
	void aDaemonSetRunsOnePodPerNodeAndFollowsNodesJoiningAndLeaving() {
		String suffix = UUID.randomUUID().toString().substring(0, 6);
		String first = "n1-" + suffix;
		String second = "n2-" + suffix;
		String third = "n3-" + suffix;
		addNode(first);
		addNode(second);
		String ns = "ns-" + suffix;
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		client.apps().daemonSets().inNamespace(ns).resource(daemonSet("busybox")).create();

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(nodesOfPods(ns)).containsExactlyInAnyOrder(first, second));
		await().atMost(TIMEOUT)
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(client.apps()
				.daemonSets()
				.inNamespace(ns)
				.withName("agent")
				.get()
				.getStatus()
				.getDesiredNumberScheduled()).isEqualTo(2));

		addNode(third);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(nodesOfPods(ns)).containsExactlyInAnyOrder(first, second, third));

		client.nodes().withName(first).delete();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(nodesOfPods(ns)).containsExactlyInAnyOrder(second, third));
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(eventsIn(ns).stream()
				.filter(e -> e.startsWith("daemonset-controller "))
				.map(e -> e.substring("daemonset-controller ".length()).replaceAll("agent-\\w+", "agent-*"))
				.toList())
				.containsOnly("SuccessfulCreate: Created pod: agent-*", "SuccessfulDelete: Deleted pod: agent-*")
				.filteredOn(e -> e.startsWith("SuccessfulCreate"))
				.hasSize(3));
	}

	@Test
	void kubectlRolloutHistoryAndUndoReadAndRestoreTheControllerRevisionsWithoutDuplicates() throws Exception {
		String node = "hist-" + UUID.randomUUID().toString().substring(0, 6);
		addNode(node);
		try {
			String ns = createNamespace();
			Kubectl kubectl = new Kubectl(plane.url());
			client.apps().daemonSets().inNamespace(ns).resource(daemonSet("busybox:1")).create();
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.untilAsserted(() -> assertRevisions(ns, Map.of("busybox:1", 1L), "busybox:1"));

			kubectl.ok("-n", ns, "annotate", "daemonset/agent", "kubernetes.io/change-cause=to 2");
			kubectl.ok("-n", ns, "set", "image", "daemonset/agent", "app=busybox:2");
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.untilAsserted(() -> assertRevisions(ns, Map.of("busybox:1", 1L, "busybox:2", 2L), "busybox:2"));
			assertThat(kubectl.ok("-n", ns, "rollout", "history", "daemonset/agent"))
				.containsPattern("(?m)^1\\s+<none>\\s*$")
				.containsPattern("(?m)^2\\s+to 2\\s*$");

			assertThat(kubectl.ok("-n", ns, "rollout", "undo", "daemonset/agent")).contains("rolled back");
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.untilAsserted(() -> assertRevisions(ns, Map.of("busybox:1", 3L, "busybox:2", 2L), "busybox:1"));

			assertThat(kubectl.ok("-n", ns, "rollout", "undo", "daemonset/agent", "--to-revision=2"))
				.contains("rolled back");
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.untilAsserted(() -> assertRevisions(ns, Map.of("busybox:1", 3L, "busybox:2", 4L), "busybox:2"));
			assertThat(kubectl.ok("-n", ns, "rollout", "history", "daemonset/agent", "--revision=3"))
				.contains("busybox:1");
			assertThat(kubectl.ok("-n", ns, "rollout", "history", "daemonset/agent"))
				.doesNotContainPattern("(?m)^[12]\\s");
		}
		finally {
			client.nodes().withName(node).delete();
		}
	}

	@Test
	void aRevisionStoredInTheEarlierFormatStaysTheCurrentOneAndIsRewrittenOnceInKubernetesBytes() throws Exception {
		String ns = createNamespace();
		client.apps().daemonSets().inNamespace(ns).resource(daemonSet("busybox:1")).create();
		ControllerRevision first = await().atMost(TIMEOUT)
			.until(() -> client.apps().controllerRevisions().inNamespace(ns).list().getItems(), l -> l.size() == 1)
			.get(0);
		DaemonSet ds = client.apps().daemonSets().inNamespace(ns).withName("agent").get();

		// The format written before: fabric8's JSON of the template, unsorted, no
		// creationTimestamp; written while no controller runs.
		plane.stopControllers();
		ControllerRevision earlier = new ControllerRevisionBuilder().withNewMetadata()
			.withName(first.getMetadata().getName())
			.withLabels(first.getMetadata().getLabels())
			.withOwnerReferences(first.getMetadata().getOwnerReferences())
			.endMetadata()
			.withRevision(1L)
			.withData(Map.of("spec", Map.of("template", earlierFormat(ds))))
			.build();
		client.apps().controllerRevisions().inNamespace(ns).withName(first.getMetadata().getName()).delete();
		await().atMost(TIMEOUT)
			.until(() -> client.apps().controllerRevisions().inNamespace(ns).list().getItems().isEmpty());
		client.apps().controllerRevisions().inNamespace(ns).resource(earlier).create();
		plane.restartControllers("test-replica-after-upgrade");

		String expected = RevisionData.of(ds.getSpec().getTemplate());
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(client.apps().controllerRevisions().inNamespace(ns).list().getItems())
				.singleElement()
				.satisfies(revision -> {
					assertThat(revision.getMetadata().getName()).isEqualTo(first.getMetadata().getName());
					assertThat(revision.getRevision()).isEqualTo(1L);
					assertThat(RevisionData.matches(revision.getData(), expected)).isTrue();
				}));
		await("no further revision").during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(4))
			.until(() -> client.apps().controllerRevisions().inNamespace(ns).list().getItems().size() == 1);
		assertThat(new Kubectl(plane.url()).ok("-n", ns, "rollout", "undo", "daemonset/agent", "--to-revision=1"))
			.contains("skipped rollback (current template already matches revision 1)");
	}

	/** A revision's template as the controller wrote it before Kubernetes' bytes. */
	private static Map<String, Object> earlierFormat(DaemonSet ds) {
		@SuppressWarnings("unchecked")
		Map<String, Object> template = new java.util.LinkedHashMap<>(
				io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
					.convertValue(ds.getSpec().getTemplate(), Map.class));
		template.put("$patch", "replace");
		return template;
	}

	@Test
	void oldRevisionsBeyondTheHistoryLimitAreDeletedFromTheApiserver() {
		String node = "limit-" + UUID.randomUUID().toString().substring(0, 6);
		addNode(node);
		try {
			String ns = createNamespace();
			DaemonSet ds = daemonSet("busybox:1");
			ds.getSpec().setRevisionHistoryLimit(1);
			client.apps().daemonSets().inNamespace(ns).resource(ds).create();
			for (String image : List.of("busybox:1", "busybox:2", "busybox:3")) {
				if (!image.equals("busybox:1")) {
					// No resourceVersion: the controller writes the status meanwhile.
					client.apps()
						.daemonSets()
						.inNamespace(ns)
						.withName("agent")
						.patch(PatchContext.of(PatchType.JSON),
								"[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\""
										+ image + "\"}]");
				}
				await().atMost(TIMEOUT)
					.ignoreExceptions()
					.until(() -> client.apps()
						.controllerRevisions()
						.inNamespace(ns)
						.list()
						.getItems()
						.stream()
						.anyMatch(r -> image
							.equals(ControllerHistory.templateOf(r).getSpec().getContainers().get(0).getImage())));
			}

			await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
				assertThat(client.apps().controllerRevisions().inNamespace(ns).list().getItems())
					.extracting(r -> ControllerHistory.templateOf(r).getSpec().getContainers().get(0).getImage())
					.containsExactlyInAnyOrder("busybox:2", "busybox:3");
			});
		}
		finally {
			client.nodes().withName(node).delete();
		}
	}

	/**
	 * The DaemonSet's revisions by image (number each), owned by it; its live pod runs
	 * the revision of {@code podImage} and the status counts it as updated.
	 */
	private static void assertRevisions(String ns, Map<String, Long> numbers, String podImage) {
		DaemonSet ds = client.apps().daemonSets().inNamespace(ns).withName("agent").get();
		List<ControllerRevision> revisions = client.apps().controllerRevisions().inNamespace(ns).list().getItems();
		Map<String, Long> byImage = new HashMap<>();
		String podHash = null;
		for (ControllerRevision revision : revisions) {
			assertThat(ControllerRefs.isControlledBy(revision, ds.getMetadata().getUid())).isTrue();
			String image = ControllerHistory.templateOf(revision).getSpec().getContainers().get(0).getImage();
			assertThat(byImage.put(image, revision.getRevision())).as("one revision of %s", image).isNull();
			if (image.equals(podImage)) {
				podHash = ControllerHistory.hashOf(revision);
			}
		}
		assertThat(byImage).isEqualTo(numbers);
		String hash = podHash;
		assertThat(client.pods().inNamespace(ns).list().getItems())
			.filteredOn(p -> p.getMetadata().getDeletionTimestamp() == null)
			.singleElement()
			.satisfies(
					pod -> assertThat(pod.getMetadata().getLabels()).containsEntry("controller-revision-hash", hash));
		assertThat(ds.getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
		assertThat(ds.getStatus().getObservedGeneration()).isEqualTo(ds.getMetadata().getGeneration());
	}

	private static DaemonSet daemonSet(String image) {
		DaemonSet ds = new DaemonSetBuilder().withNewMetadata()
			.withName("agent")
			.endMetadata()
			.withNewSpec()
			.withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "agent").build())
			.withTemplate(TestPods.template(Map.of("app", "agent")))
			.endSpec()
			.build();
		ds.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
		return ds;
	}

	private static List<String> nodesOfPods(String ns) {
		return client.pods()
			.inNamespace(ns)
			.list()
			.getItems()
			.stream()
			.filter(p -> p.getMetadata().getDeletionTimestamp() == null)
			.map(DaemonPods::nodeOf)
			.toList();
	}

	private static void addNode(String name) {
		client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
	}

}
