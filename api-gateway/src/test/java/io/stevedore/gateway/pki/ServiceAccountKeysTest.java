package io.stevedore.gateway.pki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountKeysTest {

	@TempDir
	Path directory;

	@Test
	void theKeyIsCreatedOnceOwnerReadableAndReusedAfter() throws Exception {
		ServiceAccountKeys first = ServiceAccountKeys.loadOrCreate(this.directory);
		ServiceAccountKeys second = ServiceAccountKeys.loadOrCreate(this.directory);

		assertThat(second.publicKey()).isEqualTo(first.publicKey());
		assertThat(second.keyId()).isEqualTo(first.keyId()).hasSize(43);
		assertThat(first.publicKey().getModulus().bitLength()).isEqualTo(2048);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.directory.resolve("sa.key"))))
			.isEqualTo("rw-------");
		assertThat(Files.readString(this.directory.resolve("sa.pub"))).startsWith("-----BEGIN PUBLIC KEY-----");
		try (var files = Files.list(this.directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("sa.key",
					"sa.pub");
		}
	}

	/** Helm's genPrivateKey writes PKCS#1 ("RSA PRIVATE KEY"), as the chart's CA key. */
	@Test
	void aPkcs1KeyPlacedThereIsUsed() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		var pair = generator.generateKeyPair();
		try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(this.directory.resolve("sa.key")))) {
			writer.writeObject(pair.getPrivate());
		}
		assertThat(Files.readString(this.directory.resolve("sa.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");

		assertThat(ServiceAccountKeys.loadOrCreate(this.directory).publicKey()).isEqualTo(pair.getPublic());
	}

	@Test
	void aKeyThatIsNotRsaIsRefusedNamingTheFile() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(256);
		Pem.writePrivate(this.directory.resolve("sa.key"), Pem.encode(generator.generateKeyPair().getPrivate()));

		assertThatThrownBy(() -> ServiceAccountKeys.loadOrCreate(this.directory))
			.hasMessageContaining("sa.key must hold an RSA private key");
	}

}
