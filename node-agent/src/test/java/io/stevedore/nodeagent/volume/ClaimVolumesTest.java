package io.stevedore.nodeagent.volume;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.stevedore.nodeagent.pod.ApiObjects;
import io.stevedore.nodeagent.pod.VolumeException;
import io.stevedore.nodeagent.pod.VolumeManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** persistentVolumeClaim volumes through the agent's VolumeManager, on a real disk. */
class ClaimVolumesTest {

	@TempDir
	Path root;

	private final Map<String, PersistentVolumeClaim> claims = new HashMap<>();

	private final Map<String, PersistentVolume> volumes = new HashMap<>();

	private VolumeManager manager() {
		return new VolumeManager(this.root.resolve("node"), new ApiObjects() {
			@Override
			public ConfigMap configMap(String namespace, String name) {
				return null;
			}

			@Override
			public Secret secret(String namespace, String name) {
				return null;
			}

			@Override
			public PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
				return ClaimVolumesTest.this.claims.get(namespace + "/" + name);
			}

			@Override
			public PersistentVolume persistentVolume(String name) {
				return ClaimVolumesTest.this.volumes.get(name);
			}
		});
	}

	@Test
	void aBoundClaimMountsItsVolumesDirectoryMadeOnFirstUseAndKeptAfterThePod() throws Exception {
		Path dir = this.root.resolve("volumes/n1/pvc-1_ns_data");
		claim("Bound", "pvc-1");
		this.volumes.put("pvc-1",
				new PersistentVolumeBuilder().withNewMetadata()
					.withName("pvc-1")
					.endMetadata()
					.withNewSpec()
					.withNewHostPath(dir.toString(), "DirectoryOrCreate")
					.endSpec()
					.build());

		VolumeManager manager = manager();
		Path mounted = manager.setUp(pod()).get("data");

		assertThat(mounted).isEqualTo(dir);
		assertThat(dir).isDirectory();
		Files.writeString(dir.resolve("file"), "kept");
		manager.cleanUp("uid-1");
		assertThat(dir.resolve("file")).hasContent("kept");
	}

	@Test
	void anUnboundClaimWaitsNamingTheClaim() {
		claim("Pending", null);

		assertThatThrownBy(() -> manager().setUp(pod())).isInstanceOf(VolumeException.class)
			.hasMessageContaining("waiting for persistentvolumeclaim \"data\" to be bound");
	}

	@Test
	void aMissingClaimOrVolumeFailsTheMount() {
		assertThatThrownBy(() -> manager().setUp(pod())).isInstanceOf(VolumeException.class)
			.hasMessageContaining("persistentvolumeclaim \"data\" not found");
		claim("Bound", "pvc-gone");
		assertThatThrownBy(() -> manager().setUp(pod())).isInstanceOf(VolumeException.class)
			.hasMessageContaining("persistentvolume \"pvc-gone\" not found");
	}

	@Test
	void aLocalVolumeMustAlreadyExist() {
		claim("Bound", "local-1");
		this.volumes.put("local-1",
				new PersistentVolumeBuilder().withNewMetadata()
					.withName("local-1")
					.endMetadata()
					.withNewSpec()
					.withNewLocal()
					.withPath(this.root.resolve("absent").toString())
					.endLocal()
					.endSpec()
					.build());

		assertThatThrownBy(() -> manager().setUp(pod())).isInstanceOf(VolumeException.class)
			.hasMessageContaining("is not a directory");
		assertThat(this.root.resolve("absent")).doesNotExist();
	}

	private void claim(String phase, String volumeName) {
		this.claims.put("ns/data",
				new PersistentVolumeClaimBuilder().withNewMetadata()
					.withNamespace("ns")
					.withName("data")
					.endMetadata()
					.withNewSpec()
					.withVolumeName(volumeName)
					.endSpec()
					.withNewStatus()
					.withPhase(phase)
					.endStatus()
					.build());
	}

	private static Pod pod() {
		return new PodBuilder().withNewMetadata()
			.withNamespace("ns")
			.withName("p")
			.withUid("uid-1")
			.endMetadata()
			.withNewSpec()
			.addNewVolume()
			.withName("data")
			.withNewPersistentVolumeClaim("data", false)
			.endVolume()
			.endSpec()
			.build();
	}

}
