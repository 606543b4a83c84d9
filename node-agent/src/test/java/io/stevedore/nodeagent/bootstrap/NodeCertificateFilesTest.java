package io.stevedore.nodeagent.bootstrap;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class NodeCertificateFilesTest {

	private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

	@TempDir
	Path dir;

	@Test
	void bothFilesAreReplacedOwnerOnlyLeavingNothingBeside() throws Exception {
		Path cert = this.dir.resolve("pki/node.crt");
		Path key = this.dir.resolve("pki/node.key");
		Files.createDirectories(cert.getParent());
		Files.writeString(key, "old key");
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
		NodeCertificateRequest request = NodeCertificateRequest.create("n1");
		String pem = TestCertificates.nodeCertificate(request.key(), BigInteger.valueOf(7), NOW, NOW.plusSeconds(60));

		new NodeCertificateFiles(cert, key).write(request.keyPem(), pem);

		assertThat(Files.readString(key)).isEqualTo(request.keyPem());
		assertThat(Files.readString(cert)).isEqualTo(pem);
		assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(Files.getPosixFilePermissions(cert)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		try (var listing = Files.list(cert.getParent())) {
			assertThat(listing.map((p) -> p.getFileName().toString())).containsExactlyInAnyOrder("node.crt",
					"node.key");
		}
		assertThat(new NodeCertificateFiles(cert, key).matchingPair().getSerialNumber()).isEqualTo(7);
	}

	@Test
	void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
		NodeCertificateFiles files = new NodeCertificateFiles(this.dir.resolve("node.crt"),
				this.dir.resolve("node.key"));
		NodeCertificateRequest request = NodeCertificateRequest.create("n1");
		files.write(NodeCertificateRequest.create("n1").keyPem(),
				TestCertificates.nodeCertificate(request.key(), BigInteger.ONE, NOW, NOW.plus(Duration.ofDays(1))));

		assertThatExceptionOfType(GeneralSecurityException.class).isThrownBy(files::matchingPair)
			.withMessageContaining("is not the key of");
	}

}
