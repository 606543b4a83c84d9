package io.stevedore.controller.garbagecollector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The garbage collector against the real apiserver: deletes with each propagation policy,
 * checked through fabric8 as a user would.
 */
class GarbageCollectorIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	static Path dataDir;

	static ControlPlane plane;

	static KubernetesClient client;

	private String ns;

	@BeforeAll
	static void startControlPlane() {
		// The collector alone, as Kubernetes' own GC tests: a ReplicaSet controller would
		// release the unlabelled pods these fixtures give it, a Deployment controller add
		// ReplicaSets of its own.
		plane = ControlPlane.start(dataDir, "--stevedore.controllers.enabled=garbagecollector,namespace");
		client = plane.client();
	}

	@AfterAll
	static void stopControlPlane() {
		client.close();
		plane.close();
	}

	@BeforeEach
	void createNamespace() {
		this.ns = "gc-" + UUID.randomUUID().toString().substring(0, 8);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(this.ns).endMetadata().build())
			.create();
	}

	@Test
	void orphanDeleteOfADeploymentLeavesItsReplicaSetWithoutOwnerReferenceAndTheDeploymentGone() {
		Deployment deployment = createDeployment("web");
		ReplicaSet rs = createReplicaSet("web-1", owner(deployment, true));

		client.apps()
			.deployments()
			.inNamespace(this.ns)
			.withName("web")
			.withPropagationPolicy(DeletionPropagation.ORPHAN)
			.delete();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(client.apps().deployments().inNamespace(this.ns).withName("web").get()).isNull();
			ReplicaSet live = client.apps().replicaSets().inNamespace(this.ns).withName("web-1").get();
			assertThat(live).isNotNull();
			assertThat(live.getMetadata().getOwnerReferences()).isEmpty();
			assertThat(live.getMetadata().getUid()).isEqualTo(rs.getMetadata().getUid());
		});
	}

	@Test
	void backgroundDeleteOfADeploymentRemovesItsReplicaSetAndThePodsOfThat() {
		Deployment deployment = createDeployment("api");
		ReplicaSet rs = createReplicaSet("api-1", owner(deployment, true));
		createPod("api-1-a", owner(rs, true));
		createPod("api-1-b", owner(rs, true));

		client.apps()
			.deployments()
			.inNamespace(this.ns)
			.withName("api")
			.withPropagationPolicy(DeletionPropagation.BACKGROUND)
			.delete();

		assertThat(client.apps().deployments().inNamespace(this.ns).withName("api").get()).as("gone at once").isNull();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(client.apps().replicaSets().inNamespace(this.ns).list().getItems()).isEmpty();
			assertThat(client.pods().inNamespace(this.ns).list().getItems()).isEmpty();
		});
	}

	@Test
	void foregroundDeleteRemovesTheDependentsBeforeTheOwner() {
		Deployment deployment = createDeployment("db");
		ReplicaSet rs = createReplicaSet("db-1", owner(deployment, true));
		Pod pod = createPod("db-1-a", owner(rs, true));
		// A finalizer of ours holds the pod, so the owners' wait can be observed.
		client.pods().inNamespace(this.ns).withName("db-1-a").edit(p -> {
			p.getMetadata().getFinalizers().add("example.com/hold");
			return p;
		});

		client.apps()
			.deployments()
			.inNamespace(this.ns)
			.withName("db")
			.withPropagationPolicy(DeletionPropagation.FOREGROUND)
			.delete();

		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(
					client.pods().inNamespace(this.ns).withName("db-1-a").get().getMetadata().getDeletionTimestamp())
				.isNotNull());
		Deployment waiting = client.apps().deployments().inNamespace(this.ns).withName("db").get();
		assertThat(waiting).as("the Deployment waits for its blocking dependents").isNotNull();
		assertThat(waiting.getMetadata().getFinalizers()).contains("foregroundDeletion");
		assertThat(client.apps().replicaSets().inNamespace(this.ns).withName("db-1").get()).isNotNull();

		client.pods().inNamespace(this.ns).withName("db-1-a").edit(p -> {
			p.getMetadata().getFinalizers().remove("example.com/hold");
			return p;
		});

		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(client.pods().inNamespace(this.ns).withName(pod.getMetadata().getName()).get()).isNull();
			assertThat(client.apps().replicaSets().inNamespace(this.ns).withName("db-1").get()).isNull();
			assertThat(client.apps().deployments().inNamespace(this.ns).withName("db").get()).isNull();
		});
	}

	@Test
	void anObjectWhoseOwnerNeverExistedIsCollected() {
		OwnerReference ghost = new OwnerReferenceBuilder().withApiVersion("v1")
			.withKind("ConfigMap")
			.withName("ghost")
			.withUid(UUID.randomUUID().toString())
			.build();
		createConfigMap("dangling", ghost);

		await().atMost(TIMEOUT)
			.untilAsserted(
					() -> assertThat(client.configMaps().inNamespace(this.ns).withName("dangling").get()).isNull());
	}

	@Test
	void anObjectWithAnotherLiveOwnerOnlyLosesTheReferenceToTheDeletedOne() {
		ConfigMap first = createConfigMap("first");
		ConfigMap second = createConfigMap("second");
		createConfigMap("shared", owner(first, false), owner(second, false));

		client.configMaps().inNamespace(this.ns).withName("first").delete();

		await().atMost(TIMEOUT).untilAsserted(() -> {
			ConfigMap shared = client.configMaps().inNamespace(this.ns).withName("shared").get();
			assertThat(shared).isNotNull();
			assertThat(shared.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
				.containsExactly(second.getMetadata().getUid());
		});
	}

	private Deployment createDeployment(String name) {
		return client.apps()
			.deployments()
			.inNamespace(this.ns)
			.resource(new DeploymentBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withNewSelector()
				.addToMatchLabels("app", name)
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", name)
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();
	}

	private ReplicaSet createReplicaSet(String name, OwnerReference owner) {
		String app = name.substring(0, name.indexOf('-'));
		return client.apps()
			.replicaSets()
			.inNamespace(this.ns)
			.resource(new ReplicaSetBuilder().withNewMetadata()
				.withName(name)
				.withOwnerReferences(owner)
				.endMetadata()
				.withNewSpec()
				.withReplicas(0)
				.withNewSelector()
				.addToMatchLabels("app", app)
				.endSelector()
				.withNewTemplate()
				.withNewMetadata()
				.addToLabels("app", app)
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.endTemplate()
				.endSpec()
				.build())
			.create();
	}

	private Pod createPod(String name, OwnerReference owner) {
		return client.pods()
			.inNamespace(this.ns)
			.resource(new PodBuilder().withNewMetadata()
				.withName(name)
				.withOwnerReferences(owner)
				.endMetadata()
				.withNewSpec()
				.addNewContainer()
				.withName("app")
				.withImage("busybox")
				.endContainer()
				.endSpec()
				.build())
			.create();
	}

	private ConfigMap createConfigMap(String name, OwnerReference... owners) {
		return client.configMaps()
			.inNamespace(this.ns)
			.resource(new ConfigMapBuilder().withNewMetadata()
				.withName(name)
				.withOwnerReferences(List.of(owners))
				.endMetadata()
				.build())
			.create();
	}

	private static OwnerReference owner(HasMetadata owner, boolean controller) {
		return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion())
			.withKind(owner.getKind())
			.withName(owner.getMetadata().getName())
			.withUid(owner.getMetadata().getUid())
			.withController(controller ? true : null)
			.withBlockOwnerDeletion(controller ? true : null)
			.build();
	}

}
