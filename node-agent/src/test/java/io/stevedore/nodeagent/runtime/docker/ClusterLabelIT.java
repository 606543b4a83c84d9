package io.stevedore.nodeagent.runtime.docker;

import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two clusters on one Docker engine with the same node name: the agent of one labels its
 * containers with its cluster and leaves the other cluster's containers alone. Without
 * the cluster label the agent would take the other cluster's container for an orphan of
 * its own node (a pod it does not know) and remove it.
 */
class ClusterLabelIT {

	private static final String NODE = "it-cluster-label-node";

	private static final String MINE = "it-mine";

	private static final String OTHERS = "it-others";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		cluster.startNode(NODE, "--stevedore.node.cluster-name=" + MINE);
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void theAgentLabelsItsContainersWithItsClusterAndNeverTouchesAnotherClustersContainers() {
		// What the other cluster's agent of a node with the same name would have made: a
		// running container of a pod this cluster has never heard of.
		String others = Docker
			.run("run", "-d", "--label", RuntimeLabels.NODE + "=" + NODE, "--label",
					RuntimeLabels.CLUSTER + "=" + OTHERS, "--label", RuntimeLabels.POD_UID + "=uid-of-another-cluster",
					"--label", RuntimeLabels.POD_NAMESPACE + "=default", "--label", RuntimeLabels.POD_NAME + "=theirs",
					"--label", RuntimeLabels.CONTAINER_NAME + "=main", "--label",
					RuntimeLabels.TYPE + "=" + RuntimeLabels.TYPE_CONTAINER, TestImages.BUSYBOX, "sleep", "600")
			.strip();
		try {
			client.pods().resource(TestPods.sleeper("mine", NODE)).create();
			String uid = TestPods.await(client, "mine", (pod) -> "Running".equals(pod.getStatus().getPhase()))
				.getMetadata()
				.getUid();
			assertThat(Docker.containerIds(RuntimeLabels.POD_UID, uid)).hasSize(2)
				.allSatisfy((id) -> assertThat(label(id)).isEqualTo(MINE));

			// Many relists (every 500 ms) later, the other cluster's container still
			// runs.
			await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(Docker.run("inspect", "-f", "{{.State.Running}}", others).strip()).isEqualTo("true");
			});
		}
		finally {
			Docker.tryRun("rm", "-f", others);
		}
	}

	private static String label(String id) {
		return Docker.run("inspect", "-f", "{{index .Config.Labels \"" + RuntimeLabels.CLUSTER + "\"}}", id).strip();
	}

}
