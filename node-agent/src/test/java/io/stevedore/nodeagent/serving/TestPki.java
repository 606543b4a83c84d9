package io.stevedore.nodeagent.serving;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import io.stevedore.nodeagent.bootstrap.NodeCertificateRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA that issues what the serving tests need, as PEM. */
final class TestPki {

	/** ECDSA P-256, as the gateway's cluster CA (its signer takes no other key). */
	private final KeyPair key = ec();

	private final X500Name name;

	private final X509Certificate certificate;

	TestPki(String name) {
		this.name = new X500Name(name);
		try {
			Instant now = Instant.now();
			var builder = new JcaX509v3CertificateBuilder(this.name, BigInteger.ONE, Date.from(now.minusSeconds(300)),
					Date.from(now.plus(Duration.ofDays(1))), this.name, this.key.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			this.certificate = new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(this.key.getPrivate())));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static KeyPair ec() {
		try {
			java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
			generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An RSA 2048 key, as the agent makes its own. */
	static KeyPair rsa() {
		return NodeCertificateRequest.create("key").key();
	}

	String caPem() {
		return pem(this.certificate);
	}

	/**
	 * The CA as {@code ca.crt} and {@code ca.key} in {@code dir}: a gateway state
	 * directory, so that the gateway's cluster CA is this one.
	 */
	Path writeCa(Path dir) {
		try {
			Files.createDirectories(dir);
			Files.writeString(dir.resolve("ca.key"),
					pem(new JcaPKCS8Generator(this.key.getPrivate(), null).generate()));
			return Files.writeString(dir.resolve("ca.crt"), caPem());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A certificate for the key, valid an hour, for that purpose and those names. */
	String issue(PublicKey subjectKey, String subject, BigInteger serial, KeyPurposeId purpose, GeneralName... names) {
		try {
			Instant now = Instant.now();
			var builder = new JcaX509v3CertificateBuilder(this.name, serial, Date.from(now.minusSeconds(300)),
					Date.from(now.plus(Duration.ofHours(1))), new X500Name(subject), subjectKey);
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
			if (names.length > 0) {
				builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
			}
			return pem(new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(this.key.getPrivate()))));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A new key and its certificate written as {@code name.crt} and {@code name.key}. */
	Path[] writePair(Path dir, String file, String subject, KeyPurposeId purpose, GeneralName... names) {
		KeyPair pair = rsa();
		try {
			Files.createDirectories(dir);
			Path cert = Files.writeString(dir.resolve(file + ".crt"),
					issue(pair.getPublic(), subject, new BigInteger(64, new SecureRandom()), purpose, names));
			Path key = Files.writeString(dir.resolve(file + ".key"),
					pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate()));
			return new Path[] { cert, key };
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String pem(Object object) {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(object);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}

}
