package io.stevedore.apiserver.encryption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Writes an EncryptionConfiguration with a fresh AES-GCM key when the configured file
 * does not exist yet: what {@code ./stevedore up} does in its launcher, for the
 * containers of the compose file, where the apiserver starts from an empty volume.
 * Secrets are encrypted with {@code key1}; {@code identity} comes last so a store written
 * before encryption still reads. The file is made readable by its owner only and moved
 * into place whole, so a crash never leaves half a key.
 */
final class GeneratedEncryptionConfiguration {

	private static final SecureRandom RANDOM = new SecureRandom();

	private GeneratedEncryptionConfiguration() {
	}

	/** Writes {@code file} unless it exists with content; true if it wrote it. */
	static boolean writeIfMissing(Path file) {
		try {
			if (Files.exists(file) && Files.size(file) > 0) {
				return false;
			}
			Path dir = file.toAbsolutePath().getParent();
			Files.createDirectories(dir);
			byte[] key = new byte[32];
			RANDOM.nextBytes(key);
			String yaml = """
					apiVersion: apiserver.config.k8s.io/v1
					kind: EncryptionConfiguration
					resources:
					- resources: [secrets]
					  providers:
					  - aesgcm:
					      keys:
					      - name: key1
					        secret: %s
					  - identity: {}
					""".formatted(Base64.getEncoder().encodeToString(key));
			Path temp = Files.createTempFile(dir, ".encryption-config", ".tmp");
			try {
				ownerOnly(temp);
				Files.writeString(temp, yaml, StandardCharsets.UTF_8);
				try {
					Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (AtomicMoveNotSupportedException ex) {
					Files.move(temp, file);
				}
			}
			catch (FileAlreadyExistsException ex) {
				// Another replica wrote it first: theirs is the key.
				return false;
			}
			finally {
				Files.deleteIfExists(temp);
			}
			return true;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("stevedore.encryption.provider-config: cannot write " + file, ex);
		}
	}

	private static void ownerOnly(Path file) throws IOException {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system: its own permissions apply.
		}
	}

}
