package io.stevedore.controller.deployment;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.stevedore.controller.support.ControlPlaneTest;
import io.stevedore.controller.support.Kubectl;
import io.stevedore.controller.workload.PodStates;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deployments end to end against the real apiserver, with the ReplicaSet and Deployment
 * controllers running and a {@link FakeKubelet} making pods ready; kubectl's rollout
 * commands against it.
 */
class DeploymentIT extends ControlPlaneTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Test
	void aDeploymentOfThreeCreatesOneReplicaSetAndThreePodsAndScalesToFiveAndToOne() {
		String ns = createNamespace();
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ZERO)) {
			client.apps().deployments().inNamespace(ns).resource(deployment("web", 3, "nginx:1")).create();

			await().atMost(TIMEOUT).untilAsserted(() -> assertAvailable(ns, "web", 3));
			List<ReplicaSet> replicaSets = client.apps().replicaSets().inNamespace(ns).list().getItems();
			assertThat(replicaSets).hasSize(1);
			ReplicaSet rs = replicaSets.get(0);
			assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
			assertThat(rs.getMetadata().getLabels()).containsKey("pod-template-hash");
			assertThat(rs.getMetadata().getName())
				.isEqualTo("web-" + rs.getMetadata().getLabels().get("pod-template-hash"));
			assertThat(activePods(ns)).hasSize(3)
				.allSatisfy(pod -> assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
					assertThat(ref.getName()).isEqualTo(rs.getMetadata().getName());
					assertThat(ref.getController()).isTrue();
					assertThat(ref.getBlockOwnerDeletion()).isTrue();
				}));

			client.apps().deployments().inNamespace(ns).withName("web").scale(5);
			await().atMost(TIMEOUT).untilAsserted(() -> assertAvailable(ns, "web", 5));
			assertThat(activePods(ns)).hasSize(5);

			client.apps().deployments().inNamespace(ns).withName("web").scale(1);
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertAvailable(ns, "web", 1);
				assertThat(activePods(ns)).hasSize(1);
			});
			assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(1);
		}
	}

	@Test
	void aDeletedPodIsReplaced() {
		String ns = createNamespace();
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ZERO)) {
			client.apps().deployments().inNamespace(ns).resource(deployment("api", 3, "api:1")).create();
			await().atMost(TIMEOUT).untilAsserted(() -> assertAvailable(ns, "api", 3));
			Pod victim = activePods(ns).get(0);

			client.pods().inNamespace(ns).withName(victim.getMetadata().getName()).delete();

			await().atMost(TIMEOUT).untilAsserted(() -> {
				List<Pod> pods = activePods(ns);
				assertThat(pods).hasSize(3);
				assertThat(pods).noneMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
				assertAvailable(ns, "api", 3);
			});
		}
	}

	@Test
	void aRollingUpdateWithMaxUnavailableZeroNeverDropsBelowThreeReadyPods() throws Exception {
		String ns = createNamespace();
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ofMillis(300))) {
			Deployment d = deployment("shop", 3, "shop:1");
			d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString(0));
			d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(new IntOrString(1));
			client.apps().deployments().inNamespace(ns).resource(d).create();
			await().atMost(TIMEOUT).untilAsserted(() -> assertAvailable(ns, "shop", 3));

			AtomicInteger minimumReady = new AtomicInteger(Integer.MAX_VALUE);
			Thread monitor = Thread.ofVirtual().start(() -> {
				while (!Thread.currentThread().isInterrupted()) {
					int ready = (int) activePods(ns).stream().filter(PodStates::isReady).count();
					minimumReady.accumulateAndGet(ready, Math::min);
				}
			});
			client.apps()
				.deployments()
				.inNamespace(ns)
				.withName("shop")
				.edit(dep -> new DeploymentBuilder(dep).editSpec()
					.editTemplate()
					.editSpec()
					.editFirstContainer()
					.withImage("shop:2")
					.endContainer()
					.endSpec()
					.endTemplate()
					.endSpec()
					.build());

			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertAvailable(ns, "shop", 3);
				Deployment current = client.apps().deployments().inNamespace(ns).withName("shop").get();
				assertThat(current.getStatus().getUpdatedReplicas()).isEqualTo(3);
				assertThat(activePods(ns)).hasSize(3)
					.allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("shop:2"));
			});
			monitor.interrupt();
			monitor.join();
			assertThat(minimumReady.get()).as("fewest ready pods seen during the rollout").isGreaterThanOrEqualTo(3);
			assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(2)
				.extracting(rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))
				.containsExactlyInAnyOrder("1", "2");
		}
	}

	@Test
	void kubectlRolloutStatusHistoryUndoRestartPauseAndResumeWork() throws Exception {
		String ns = createNamespace();
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ofMillis(200))) {
			kubectl("-n", ns, "create", "deployment", "app", "--image=app:1", "--replicas=2");
			String status = kubectl("-n", ns, "rollout", "status", "deployment/app", "--timeout=60s");
			assertThat(status).contains("deployment \"app\" successfully rolled out");

			kubectl("-n", ns, "set", "image", "deployment/app", "app=app:2");
			kubectl("-n", ns, "annotate", "deployment/app", "kubernetes.io/change-cause=upgrade to 2");
			assertThat(kubectl("-n", ns, "rollout", "status", "deployment/app", "--timeout=60s"))
				.contains("successfully rolled out");

			String history = kubectl("-n", ns, "rollout", "history", "deployment/app");
			assertThat(history).contains("REVISION").containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");

			assertThat(kubectl("-n", ns, "rollout", "undo", "deployment/app")).contains("rolled back");
			assertThat(kubectl("-n", ns, "rollout", "status", "deployment/app", "--timeout=60s"))
				.contains("successfully rolled out");
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(activePods(ns)).hasSize(2)
					.allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("app:1"));
				assertThat(client.apps()
					.deployments()
					.inNamespace(ns)
					.withName("app")
					.get()
					.getMetadata()
					.getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "3");
			});
			assertThat(kubectl("-n", ns, "rollout", "history", "deployment/app")).containsPattern("(?m)^2\\s")
				.containsPattern("(?m)^3\\s")
				.doesNotContainPattern("(?m)^1\\s");

			kubectl("-n", ns, "rollout", "restart", "deployment/app");
			assertThat(kubectl("-n", ns, "rollout", "status", "deployment/app", "--timeout=60s"))
				.contains("successfully rolled out");
			assertThat(activePods(ns)).hasSize(2)
				.allSatisfy(p -> assertThat(p.getMetadata().getAnnotations())
					.containsKey("kubectl.kubernetes.io/restartedAt"));

			kubectl("-n", ns, "rollout", "pause", "deployment/app");
			kubectl("-n", ns, "set", "image", "deployment/app", "app=app:9");
			await().atMost(TIMEOUT).untilAsserted(() -> {
				Deployment paused = client.apps().deployments().inNamespace(ns).withName("app").get();
				assertThat(paused.getStatus().getConditions())
					.anySatisfy(c -> assertThat(c.getReason()).isEqualTo("DeploymentPaused"));
			});
			assertThat(activePods(ns))
				.allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isNotEqualTo("app:9"));
			kubectl("-n", ns, "rollout", "resume", "deployment/app");
			assertThat(kubectl("-n", ns, "rollout", "status", "deployment/app", "--timeout=60s"))
				.contains("successfully rolled out");
			assertThat(activePods(ns)).hasSize(2)
				.allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("app:9"));
		}
	}

	@Test
	void aRolloutWhosePodsNeverBecomeReadyReportsProgressDeadlineExceededAndKeepsTheOldPods() throws Exception {
		String ns = createNamespace();
		try (FakeKubelet kubelet = FakeKubelet.start(client, ns, Duration.ZERO)) {
			Deployment d = deployment("stuck", 2, "good:1");
			d.getSpec().setProgressDeadlineSeconds(2);
			client.apps().deployments().inNamespace(ns).resource(d).create();
			await().atMost(TIMEOUT).untilAsserted(() -> assertAvailable(ns, "stuck", 2));
			kubelet.readyWhen(pod -> !"bad:1".equals(pod.getSpec().getContainers().get(0).getImage()));

			kubectl("-n", ns, "set", "image", "deployment/stuck", "app=bad:1");

			await().atMost(TIMEOUT).untilAsserted(() -> {
				Deployment current = client.apps().deployments().inNamespace(ns).withName("stuck").get();
				assertThat(current.getStatus().getConditions()).anySatisfy(c -> {
					assertThat(c.getType()).isEqualTo("Progressing");
					assertThat(c.getStatus()).isEqualTo("False");
					assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
				});
			});
			String status = kubectlExpectingFailure("-n", ns, "rollout", "status", "deployment/stuck", "--timeout=20s");
			assertThat(status).contains("exceeded its progress deadline");
			long oldReady = activePods(ns).stream()
				.filter(p -> "good:1".equals(p.getSpec().getContainers().get(0).getImage()))
				.filter(PodStates::isReady)
				.count();
			assertThat(oldReady).as("old pods kept serving").isGreaterThanOrEqualTo(1);
		}
	}

	private static void assertAvailable(String ns, String name, int replicas) {
		Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
		assertThat(d.getStatus()).isNotNull();
		assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
		assertThat(d.getStatus().getReplicas()).isEqualTo(replicas);
		assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
		assertThat(d.getStatus().getReadyReplicas()).isEqualTo(replicas);
		assertThat(d.getStatus().getConditions()).anySatisfy(c -> {
			assertThat(c.getType()).isEqualTo("Available");
			assertThat(c.getStatus()).isEqualTo("True");
		});
	}

	static List<Pod> activePods(String ns) {
		return client.pods().inNamespace(ns).list().getItems().stream().filter(PodStates::isActive).toList();
	}

	static Deployment deployment(String name, int replicas, String image) {
		return TestDeployments.deployment(name, replicas, image);
	}

	private static String kubectl(String... args) throws IOException, InterruptedException {
		return new Kubectl(plane.url()).ok(args);
	}

	private static String kubectlExpectingFailure(String... args) throws IOException, InterruptedException {
		return new Kubectl(plane.url()).failing(args);
	}

}
