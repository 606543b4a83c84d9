package io.stevedore.nodeagent.pod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeManagerTest {

	@TempDir
	Path root;

	private final Map<String, ConfigMap> configMaps = new HashMap<>();

	private VolumeManager manager() {
		return new VolumeManager(this.root, new ApiObjects() {
			@Override
			public ConfigMap configMap(String namespace, String name) {
				return VolumeManagerTest.this.configMaps.get(name);
			}

			@Override
			public Secret secret(String namespace, String name) {
				return null;
			}
		});
	}

	@Test
	void aConfigMapVolumeHoldsEachKeyAsAFileWithTheDefaultModeAndFollowsUpdates() throws Exception {
		this.configMaps.put("settings", new ConfigMapBuilder().addToData("mode", "fast").build());
		Pod pod = podWithConfigMapVolume(0440);
		Path dir = manager().setUp(pod).get("config");
		assertThat(Files.readString(dir.resolve("mode"))).isEqualTo("fast");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("mode").toRealPath())))
			.isEqualTo("r--r-----");
		this.configMaps.put("settings", new ConfigMapBuilder().addToData("level", "3").build());
		manager().setUp(pod);
		assertThat(Files.readString(dir.resolve("level"))).isEqualTo("3");
		assertThat(dir.resolve("mode")).doesNotExist();
		assertThat(Files.isSymbolicLink(dir.resolve("..data"))).isTrue();
	}

	@Test
	void aMissingConfigMapFailsTheMountNamingIt() {
		assertThatThrownBy(() -> manager().setUp(podWithConfigMapVolume(0644))).isInstanceOf(VolumeException.class)
			.hasMessageContaining("configmap \"settings\" not found");
	}

	@Test
	void hostPathTypesAreCheckedOrCreated() throws Exception {
		Path created = this.root.resolve("made/here");
		Pod pod = new PodBuilder().withNewMetadata()
			.withUid("u")
			.withNamespace("ns")
			.endMetadata()
			.withNewSpec()
			.addNewVolume()
			.withName("data")
			.withNewHostPath(created.toString(), "DirectoryOrCreate")
			.endVolume()
			.endSpec()
			.build();
		assertThat(manager().setUp(pod).get("data")).isEqualTo(created).isDirectory();
		Pod missing = new PodBuilder(pod).editSpec()
			.editFirstVolume()
			.withNewHostPath(this.root.resolve("absent").toString(), "Directory")
			.endVolume()
			.endSpec()
			.build();
		assertThatThrownBy(() -> manager().setUp(missing)).isInstanceOf(VolumeException.class)
			.hasMessageContaining("is not a directory");
	}

	@Test
	void cleanUpRemovesEverythingThePodHadOnDisk() throws Exception {
		Pod pod = new PodBuilder().withNewMetadata()
			.withUid("u-2")
			.withNamespace("ns")
			.endMetadata()
			.withNewSpec()
			.addNewVolume()
			.withName("scratch")
			.withNewEmptyDir()
			.endEmptyDir()
			.endVolume()
			.endSpec()
			.build();
		Path dir = manager().setUp(pod).get("scratch");
		Files.writeString(dir.resolve("file"), "x");
		manager().cleanUp("u-2");
		assertThat(this.root.resolve("pods/u-2")).doesNotExist();
	}

	private static Pod podWithConfigMapVolume(int mode) {
		return new PodBuilder().withNewMetadata()
			.withUid("u-1")
			.withNamespace("ns")
			.endMetadata()
			.withNewSpec()
			.addNewVolume()
			.withName("config")
			.withNewConfigMap()
			.withName("settings")
			.withDefaultMode(mode)
			.endConfigMap()
			.endVolume()
			.endSpec()
			.build();
	}

}
