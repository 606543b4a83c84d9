package io.stevedore.controller.volume;

import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Reclaim Delete removes a provisioned directory, and nothing else, on a real disk. */
class LocalPathCleanerTest {

	@TempDir
	Path temp;

	@Test
	void aProvisionedDirectoryIsRemovedWithItsFiles() throws Exception {
		Path root = this.temp.resolve("volumes");
		PersistentVolume volume = new LocalPathProvisioner(root.toString())
			.volumeFor(new PersistentVolumeClaimBuilder().withNewMetadata()
				.withNamespace("ns")
				.withName("data")
				.withUid("u1")
				.endMetadata()
				.withNewSpec()
				.endSpec()
				.build(), LocalPathProvisioner.defaultClass(), "n1");
		Path dir = Path.of(volume.getSpec().getHostPath().getPath());
		Files.createDirectories(dir.resolve("sub"));
		Files.writeString(dir.resolve("sub/file"), "x");
		Path outside = Files.createDirectories(this.temp.resolve("kept"));
		Files.createSymbolicLink(dir.resolve("link"), outside);

		assertThat(new LocalPathCleaner(root.toString()).remove(volume)).isTrue();

		assertThat(dir).doesNotExist();
		assertThat(root.resolve("n1")).isDirectory();
		assertThat(outside).as("a link inside is removed, not followed").isDirectory();
	}

	@Test
	void aVolumeTheProvisionerDidNotMakeIsLeftAlone() throws Exception {
		Path root = this.temp.resolve("volumes");
		Path dir = Files.createDirectories(root.resolve("n1/pvc-u2_ns_data"));
		PersistentVolume manual = new PersistentVolumeBuilder().withNewMetadata()
			.withName("pvc-u2")
			.endMetadata()
			.withNewSpec()
			.withNewHostPath(dir.toString(), "")
			.endSpec()
			.build();
		Path other = Files.createDirectories(this.temp.resolve("elsewhere/pvc-u3_ns_data"));
		PersistentVolume escaped = new PersistentVolumeBuilder(manual).editMetadata()
			.withName("pvc-u3")
			.addToAnnotations(LocalPathProvisioner.PROVISIONED_BY, LocalPathProvisioner.NAME)
			.endMetadata()
			.editSpec()
			.withNewHostPath(other.toString(), "")
			.endSpec()
			.build();

		LocalPathCleaner cleaner = new LocalPathCleaner(root.toString());
		assertThat(cleaner.remove(manual)).isTrue();
		assertThat(cleaner.remove(escaped)).isTrue();

		assertThat(dir).isDirectory();
		assertThat(other).isDirectory();
	}

}
