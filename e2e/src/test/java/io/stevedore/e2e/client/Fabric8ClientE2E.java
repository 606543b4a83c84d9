package io.stevedore.e2e.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stevedore.e2e.support.ApiServer;
import io.stevedore.e2e.support.Fabric8;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.e2e.support.KubectlE2ESupport.uniqueNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The same operations as the kubectl tests, through fabric8's KubernetesClient: the Java
 * client every Stevedore service uses, so the apiserver must satisfy it as well as
 * kubectl.
 */
class Fabric8ClientE2E {

	@TempDir
	static Path workDir;

	static ApiServer apiServer;

	static KubernetesClient client;

	String ns;

	@BeforeAll
	static void startApiServer() {
		apiServer = ApiServer.embedded(workDir.resolve("data"));
		client = Fabric8.client(apiServer.url());
	}

	@AfterAll
	static void stopApiServer() {
		if (client != null) {
			client.close();
		}
		if (apiServer != null) {
			apiServer.close();
		}
	}

	@BeforeEach
	void createNamespace(TestInfo test) {
		this.ns = uniqueNamespace(test);
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(this.ns).endMetadata().build())
			.create();
	}

	@Test
	void createGetListUpdateAndDeleteAConfigMap() {
		ConfigMap created = client.configMaps().inNamespace(this.ns).resource(configMap("one", "web")).create();
		client.configMaps().inNamespace(this.ns).resource(configMap("two", "db")).create();

		assertThat(created.getMetadata().getUid()).isNotEmpty();
		assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();
		assertThat(client.configMaps().inNamespace(this.ns).withName("one").get().getData()).containsEntry("k", "v");
		assertThat(client.configMaps().inNamespace(this.ns).withLabel("app", "web").list().getItems())
			.extracting((cm) -> cm.getMetadata().getName())
			.containsExactly("one");

		ConfigMap edited = client.configMaps()
			.inNamespace(this.ns)
			.withName("one")
			.edit((cm) -> new ConfigMapBuilder(cm).addToData("k", "v2").build());
		assertThat(edited.getData()).containsEntry("k", "v2");
		assertThat(Long.parseLong(edited.getMetadata().getResourceVersion()))
			.isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

		assertThat(client.configMaps().inNamespace(this.ns).withName("one").delete()).hasSize(1);
		assertThat(client.configMaps().inNamespace(this.ns).withName("one").get()).isNull();
	}

	@Test
	void anUpdateWithAStaleResourceVersionIsAConflict() {
		ConfigMap stale = client.configMaps().inNamespace(this.ns).resource(configMap("one", "web")).create();
		client.configMaps().inNamespace(this.ns).withName("one").edit((cm) -> {
			cm.getData().put("k", "meanwhile");
			return cm;
		});

		stale.getData().put("k", "late");
		assertThatThrownBy(() -> client.configMaps().inNamespace(this.ns).resource(stale).update())
			.isInstanceOfSatisfying(KubernetesClientException.class, (ex) -> {
				assertThat(ex.getCode()).isEqualTo(409);
				assertThat(ex.getStatus().getReason()).isEqualTo("Conflict");
			});
		assertThat(client.configMaps().inNamespace(this.ns).withName("one").get().getData()).containsEntry("k",
				"meanwhile");
	}

	@Test
	void anInvalidObjectIsUnprocessableWithACauseNamingTheField() {
		assertThatThrownBy(() -> client.apps().deployments().inNamespace(this.ns).resource(deployment(-1)).create())
			.isInstanceOfSatisfying(KubernetesClientException.class, (ex) -> {
				assertThat(ex.getCode()).isEqualTo(422);
				assertThat(ex.getStatus().getReason()).isEqualTo("Invalid");
				assertThat(ex.getStatus().getDetails().getCauses()).extracting(StatusCause::getField)
					.contains("spec.replicas");
			});
		assertThat(client.apps().deployments().inNamespace(this.ns).list().getItems()).isEmpty();
	}

	@Test
	void mergeJsonAndStrategicPatchesChangeWhatTheySay() {
		client.apps().deployments().inNamespace(this.ns).resource(deployment(1)).create();
		var web = client.apps().deployments().inNamespace(this.ns).withName("web");

		web.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
		web.patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]");
		web.patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
				"{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox\"}]}}}}");

		Deployment patched = web.get();
		assertThat(patched.getMetadata().getLabels()).containsEntry("tier", "front").containsEntry("app", "web");
		assertThat(patched.getSpec().getReplicas()).isEqualTo(3);
		assertThat(patched.getSpec().getTemplate().getSpec().getContainers()).extracting((c) -> c.getName())
			.containsExactlyInAnyOrder("web", "sidecar");
	}

	@Test
	void scaleGoesThroughTheScaleSubresource() {
		client.apps().deployments().inNamespace(this.ns).resource(deployment(1)).create();

		client.apps().deployments().inNamespace(this.ns).withName("web").scale(4);

		assertThat(client.apps().deployments().inNamespace(this.ns).withName("web").scale().getSpec().getReplicas())
			.isEqualTo(4);
		assertThat(client.apps().deployments().inNamespace(this.ns).withName("web").get().getSpec().getReplicas())
			.isEqualTo(4);
	}

	@Test
	void serverSideApplyCreatesThenUpdatesAndRecordsTheFieldManager() {
		var apply = client.apps().deployments().inNamespace(this.ns);

		apply.resource(deployment(2)).fieldManager("e2e").forceConflicts().serverSideApply();
		Deployment updated = apply.resource(deployment(5)).fieldManager("e2e").forceConflicts().serverSideApply();

		assertThat(updated.getSpec().getReplicas()).isEqualTo(5);
		assertThat(updated.getMetadata().getManagedFields()).anySatisfy((entry) -> {
			assertThat(entry.getManager()).isEqualTo("e2e");
			assertThat(entry.getOperation()).isEqualTo("Apply");
		});
	}

	@Test
	@Timeout(60) // fabric8's watch() blocks until the watch is established
	void aWatchDeliversAddedModifiedAndDeletedInOrder() throws Exception {
		BlockingQueue<String> events = new LinkedBlockingQueue<>();
		try (Watch watch = client.configMaps().inNamespace(this.ns).watch(new Watcher<>() {
			@Override
			public void eventReceived(Action action, ConfigMap resource) {
				events.add(action + " " + resource.getMetadata().getName() + " " + resource.getData());
			}

			@Override
			public void onClose(WatcherException cause) {
				events.add("CLOSED " + cause);
			}
		})) {
			client.configMaps().inNamespace(this.ns).resource(configMap("w", "web")).create();
			client.configMaps().inNamespace(this.ns).withName("w").edit((cm) -> {
				cm.getData().put("k", "v2");
				return cm;
			});
			client.configMaps().inNamespace(this.ns).withName("w").delete();

			assertThat(List.of(next(events), next(events), next(events))).containsExactly("ADDED w {k=v}",
					"MODIFIED w {k=v2}", "DELETED w {k=v2}");
		}
	}

	@Test
	@Timeout(60)
	void aWatchOverPlainHttpDeliversTheSameEvents() throws Exception {
		BlockingQueue<String> events = new LinkedBlockingQueue<>();
		try (KubernetesClient httpWatches = Fabric8.httpWatchClient(apiServer.url());
				Watch watch = httpWatches.configMaps().inNamespace(this.ns).watch(new Watcher<>() {
					@Override
					public void eventReceived(Action action, ConfigMap resource) {
						events.add(action + " " + resource.getMetadata().getName());
					}

					@Override
					public void onClose(WatcherException cause) {
						events.add("CLOSED " + cause);
					}
				})) {
			client.configMaps().inNamespace(this.ns).resource(configMap("h", "web")).create();
			client.configMaps().inNamespace(this.ns).withName("h").delete();

			assertThat(List.of(next(events), next(events))).containsExactly("ADDED h", "DELETED h");
		}
	}

	private static String next(BlockingQueue<String> events) throws InterruptedException {
		String event = events.poll(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
		assertThat(event).as("a watch event within 20s").isNotNull();
		return event;
	}

	static ConfigMap configMap(String name, String app) {
		return new ConfigMapBuilder().withNewMetadata()
			.withName(name)
			.withLabels(Map.of("app", app))
			.endMetadata()
			.withData(new java.util.HashMap<>(Map.of("k", "v")))
			.build();
	}

	static Deployment deployment(int replicas) {
		return new DeploymentBuilder().withNewMetadata()
			.withName("web")
			.withLabels(Map.of("app", "web"))
			.endMetadata()
			.withNewSpec()
			.withReplicas(replicas)
			.withNewSelector()
			.withMatchLabels(Map.of("app", "web"))
			.endSelector()
			.withNewTemplate()
			.withNewMetadata()
			.withLabels(Map.of("app", "web"))
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("web")
			.withImage("nginx:1.27")
			.endContainer()
			.endSpec()
			.endTemplate()
			.endSpec()
			.build();
	}

}
