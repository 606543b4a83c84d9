package io.stevedore.gateway.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM encoding of certificates and private keys, and writing them with safe modes. */
public final class Pem {

	private Pem() {
	}

	public static String encode(Object certificateOrKey) {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			if (certificateOrKey instanceof PrivateKey key) {
				// PKCS#8 ("PRIVATE KEY"): read back with its algorithm, by Go and Netty
				// alike.
				writer.writeObject(new JcaPKCS8Generator(key, null));
			}
			else {
				writer.writeObject(certificateOrKey);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}

	public static X509Certificate readCertificate(Path file) {
		Object object = readObject(file);
		if (!(object instanceof X509CertificateHolder holder)) {
			throw new IllegalArgumentException(file + " does not hold a PEM certificate");
		}
		try {
			return new JcaX509CertificateConverter().getCertificate(holder);
		}
		catch (CertificateException ex) {
			throw new IllegalArgumentException(file + " holds an invalid certificate: " + ex.getMessage(), ex);
		}
	}

	public static PrivateKey readPrivateKey(Path file) {
		Object object = readObject(file);
		try {
			JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
			if (object instanceof PEMKeyPair pair) {
				return converter.getKeyPair(pair).getPrivate();
			}
			if (object instanceof PrivateKeyInfo info) {
				return converter.getPrivateKey(info);
			}
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(file + " holds an invalid private key: " + ex.getMessage(), ex);
		}
		throw new IllegalArgumentException(file + " does not hold a PEM private key");
	}

	/** Writes a public file (certificates, kubeconfig without secrets). */
	public static void writePublic(Path file, String content) {
		write(file, content, "rw-r--r--");
	}

	/** Writes a file only its owner may read (private keys, credentials). */
	public static void writePrivate(Path file, String content) {
		write(file, content, "rw-------");
	}

	private static void write(Path file, String content, String mode) {
		try {
			Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(temporary, content);
			Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(mode));
			Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
					java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + file, ex);
		}
	}

	private static Object readObject(Path file) {
		try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
			return parser.readObject();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
	}

}
