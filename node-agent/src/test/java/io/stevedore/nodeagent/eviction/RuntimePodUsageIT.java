package io.stevedore.nodeagent.eviction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.nodeagent.runtime.GuardedContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.runtime.docker.DockerContainerRuntime;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the eviction manager ranks by, read from the real engine: a container that wrote
 * 300 files and 5 MiB into its own filesystem, holds 20 MiB of memory and runs three
 * processes, in a pod with an emptyDir of 100 files.
 */
class RuntimePodUsageIT {

	private static final String NODE = "usage-it-node";

	private final String uid = UUID.randomUUID().toString();

	@TempDir
	Path root;

	@AfterEach
	void cleanUp() {
		Docker.removeContainers(RuntimeLabels.POD_UID, this.uid);
	}

	@Test
	void memoryBytesAndFilesOfAContainerAndItsPodsEmptyDir() throws Exception {
		// The runtime sees only its cluster's containers.
		Docker.run("run", "-d", "--label", RuntimeLabels.CLUSTER + "=usage-it", "--label",
				RuntimeLabels.NODE + "=" + NODE, "--label", RuntimeLabels.POD_UID + "=" + this.uid, "--label",
				RuntimeLabels.CONTAINER_NAME + "=writer", "--label",
				RuntimeLabels.TYPE + "=" + RuntimeLabels.TYPE_CONTAINER, TestImages.busybox(), "sh", "-c",
				"mkdir /many && for i in $(seq 300); do echo $i > /many/f$i; done; "
						+ "head -c 5242880 /dev/zero > /big; sleep 1000 & sleep 1000 & touch /ready; "
						+ "exec dd if=/dev/zero of=/dev/null bs=20M count=100000000");
		Path emptyDir = Files
			.createDirectories(this.root.resolve(this.uid).resolve("volumes/kubernetes.io~empty-dir/scratch"));
		for (int i = 0; i < 100; i++) {
			Files.writeString(emptyDir.resolve("f" + i), "x");
		}
		Pod pod = new PodBuilder().withNewMetadata()
			.withName("writer")
			.withNamespace("default")
			.withUid(this.uid)
			.endMetadata()
			.build();
		String id = Docker.containerIds(RuntimeLabels.POD_UID, this.uid).get(0);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> Docker.tryRun("exec", id, "test", "-f", "/ready").exitCode() == 0);

		// Guarded, as the agent runs it.
		try (GuardedContainerRuntime runtime = new GuardedContainerRuntime(
				new DockerContainerRuntime("unix:///var/run/docker.sock", "usage-it", Duration.ofSeconds(30)))) {
			RuntimePodUsage usage = new RuntimePodUsage(runtime, NODE, this.root);
			assertThat(usage.of(pod, EvictionSignal.MEMORY_AVAILABLE)).hasEntrySatisfying("writer",
					bytes -> assertThat(bytes).isGreaterThan(19L << 20));
			// The writable layer (from the engine) and the emptyDir's 100 bytes.
			assertThat(usage.of(pod, EvictionSignal.NODEFS_AVAILABLE)).hasEntrySatisfying("writer",
					bytes -> assertThat(bytes).isBetween(5L << 20, 6L << 20));
			// 300 files, their directory, /big, /ready, and the emptyDir's 100 files and
			// its directory: the layer's files as the host sees its upper directory.
			assertThat(usage.of(pod, EvictionSignal.NODEFS_INODES_FREE)).hasEntrySatisfying("writer",
					files -> assertThat(files).isBetween(403L, 420L));
			// dd and the two sleeps, from the pids controller.
			assertThat(usage.of(pod, EvictionSignal.PID_AVAILABLE)).containsEntry("writer", 3L);
		}
	}

}
