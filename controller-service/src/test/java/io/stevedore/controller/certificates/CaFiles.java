package io.stevedore.controller.certificates;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * A test CA written as {@code ca.crt} and {@code ca.key}, the way the gateway writes its
 * own.
 */
final class CaFiles {

	private CaFiles() {
	}

	/** A new temporary directory holding the CA's certificate and PKCS#8 key. */
	static Path write(TestPki pki) {
		try {
			Path dir = Files.createTempDirectory("csr-signing-ca-");
			StringWriter cert = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(cert)) {
				writer.writeObject(pki.ca);
			}
			Files.writeString(dir.resolve("ca.crt"), cert.toString());
			Files.writeString(dir.resolve("ca.key"),
					"-----BEGIN PRIVATE KEY-----\n"
							+ Base64.getMimeEncoder().encodeToString(pki.caKey.getPrivate().getEncoded())
							+ "\n-----END PRIVATE KEY-----\n");
			dir.toFile().deleteOnExit();
			dir.resolve("ca.crt").toFile().deleteOnExit();
			dir.resolve("ca.key").toFile().deleteOnExit();
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
