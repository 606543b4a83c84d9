package io.stevedore.nodeagent.pod;

import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * projected and downwardAPI volumes in a busybox pod on the real Docker engine, the agent
 * against the real apiserver: the container reads the files the agent wrote. The
 * apiserver alone serves no TokenRequest, so a token projection is a FailedMount there,
 * reported on the pod and retried, never a crash of the sync.
 */
class ProjectedVolumesIT {

	private static final String NODE = "it-projected-1";

	private static final String MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		cluster.startNode(NODE);
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aContainerReadsTheCaAndNamespaceOfAProjectedVolumeAndItsOwnFieldsFromADownwardApiVolume() {
		client.configMaps()
			.inNamespace("default")
			.resource(new ConfigMapBuilder().withNewMetadata()
				.withName("kube-root-ca.crt")
				.endMetadata()
				.addToData("ca.crt", "PEM-CA")
				.build())
			.create();
		String script = "set -e; test \"$(cat " + MOUNT + "/ca.crt)\" = PEM-CA; test \"$(cat " + MOUNT
				+ "/namespace)\" = default; test \"$(stat -L -c %a " + MOUNT + "/namespace)\" = 644; "
				+ "test \"$(cat /info/labels)\" = 'app=\"reader\"'; test \"$(cat /info/mem)\" = 32; "
				+ "test \"$(cat /info/name)\" = reader; ! touch " + MOUNT + "/x 2>/dev/null";
		Pod pod = new PodBuilder(TestPods.shell("reader", NODE, script).build()).editMetadata()
			.addToLabels("app", "reader")
			.endMetadata()
			.editSpec()
			.withRestartPolicy("Never")
			.editFirstContainer()
			.withNewResources()
			.addToLimits("memory", new Quantity("32Mi"))
			.endResources()
			.addNewVolumeMount()
			.withName("kube-api-access-test1")
			.withMountPath(MOUNT)
			.withReadOnly(true)
			.endVolumeMount()
			.addNewVolumeMount()
			.withName("info")
			.withMountPath("/info")
			.endVolumeMount()
			.endContainer()
			.addNewVolume()
			.withName("kube-api-access-test1")
			.withNewProjected()
			.withDefaultMode(0644)
			.addNewSource()
			.withNewConfigMap()
			.withName("kube-root-ca.crt")
			.addNewItem("ca.crt", null, "ca.crt")
			.endConfigMap()
			.endSource()
			.addNewSource()
			.withNewDownwardAPI()
			.addNewItem()
			.withPath("namespace")
			.withNewFieldRef("v1", "metadata.namespace")
			.endItem()
			.endDownwardAPI()
			.endSource()
			.endProjected()
			.endVolume()
			.addNewVolume()
			.withName("info")
			.withNewDownwardAPI()
			.addNewItem()
			.withPath("labels")
			.withNewFieldRef("v1", "metadata.labels")
			.endItem()
			.addNewItem()
			.withPath("name")
			.withNewFieldRef("v1", "metadata.name")
			.endItem()
			.addNewItem()
			.withPath("mem")
			.withResourceFieldRef(new ResourceFieldSelector("main", new Quantity("1Mi"), "limits.memory"))
			.endItem()
			.endDownwardAPI()
			.endVolume()
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		Pod done = TestPods.await(client, "reader",
				p -> "Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase()));
		assertThat(done.getStatus().getPhase()).isEqualTo("Succeeded");
	}

	@Test
	void aTokenProjectionTheApiCannotServeIsAFailedMountReportedOnThePod() {
		Pod pod = new PodBuilder(TestPods.sleeper("tokenless", NODE)).editSpec()
			.editFirstContainer()
			.addNewVolumeMount()
			.withName("token")
			.withMountPath(MOUNT)
			.endVolumeMount()
			.endContainer()
			.addNewVolume()
			.withName("token")
			.withNewProjected()
			.addNewSource()
			.withNewServiceAccountToken()
			.withPath("token")
			.withExpirationSeconds(3607L)
			.endServiceAccountToken()
			.endSource()
			.endProjected()
			.endVolume()
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		Pod waiting = TestPods.await(client, "tokenless", p -> {
			var state = p.getStatus().getContainerStatuses().get(0).getState().getWaiting();
			return state != null && state.getMessage() != null && state.getMessage().contains("failed to fetch token");
		});
		assertThat(waiting.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
			.isEqualTo("ContainerCreating");
	}

}
