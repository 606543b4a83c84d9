package io.stevedore.apiserver.encryption;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratedEncryptionConfigurationTest {

	@TempDir
	Path dir;

	@Test
	@DisplayName("a missing file is written with a fresh key, owner-only, and read as an AES-GCM configuration")
	void writesAMissingFile() throws Exception {
		Path file = this.dir.resolve("keys/encryption-config.yaml");
		StorageEncryption encryption = new EncryptionProperties(file.toString(), true).load();

		assertThat(encryption).isNotNull();
		assertThat(Files.readString(file)).contains("kind: EncryptionConfiguration").contains("- aesgcm:");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		try (var entries = Files.list(file.getParent())) {
			assertThat(entries).as("no temporary file left").hasSize(1);
		}
	}

	@Test
	@DisplayName("an existing file keeps its key at every later start")
	void keepsAnExistingFile() throws Exception {
		Path file = this.dir.resolve("encryption-config.yaml");
		new EncryptionProperties(file.toString(), true).load();
		String first = Files.readString(file);

		new EncryptionProperties(file.toString(), true).load();

		assertThat(Files.readString(file)).isEqualTo(first);
	}

	@Test
	@DisplayName("two files written fresh hold different keys")
	void keysAreRandom() throws Exception {
		Path a = this.dir.resolve("a.yaml");
		Path b = this.dir.resolve("b.yaml");
		GeneratedEncryptionConfiguration.writeIfMissing(a);
		GeneratedEncryptionConfiguration.writeIfMissing(b);
		assertThat(Files.readString(a)).isNotEqualTo(Files.readString(b));
	}

	@Test
	@DisplayName("without generate-if-missing a missing file still fails the start")
	void missingWithoutGenerateFails() {
		Path file = this.dir.resolve("absent.yaml");
		assertThatThrownBy(() -> new EncryptionProperties(file.toString(), false).load())
			.hasMessageContaining("absent.yaml");
		assertThat(file).doesNotExist();
	}

}
