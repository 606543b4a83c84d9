package io.stevedore.nodeagent.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The node's client certificate and key on disk ({@code --cert-dir}). Each file is
 * replaced atomically (written beside it, owner-only, then renamed over it), key first:
 * an agent stopped between the two renames finds a certificate that does not match its
 * key, which {@link #matchingPair()} refuses, so the agent bootstraps again rather than
 * failing every handshake.
 */
public final class NodeCertificateFiles {

	private final Path cert;

	private final Path key;

	public NodeCertificateFiles(Path cert, Path key) {
		this.cert = cert;
		this.key = key;
	}

	public Path cert() {
		return this.cert;
	}

	public Path key() {
		return this.key;
	}

	/** Key first, then certificate, each replaced atomically. */
	public void write(String keyPem, String certPem) {
		write(this.key, keyPem);
		write(this.cert, certPem);
	}

	public boolean exist() {
		return Files.isRegularFile(this.cert) && Files.isRegularFile(this.key);
	}

	/**
	 * The certificate, when the key beside it is its key.
	 * @throws IOException or CertificateException when a file cannot be read as such,
	 * GeneralSecurityException when the key is not the certificate's
	 */
	public X509Certificate matchingPair() throws IOException, GeneralSecurityException {
		X509Certificate certificate = parse(Files.readString(this.cert, StandardCharsets.US_ASCII));
		PrivateKey privateKey = privateKey(Files.readString(this.key, StandardCharsets.US_ASCII));
		if (!signs(privateKey, certificate)) {
			throw new GeneralSecurityException("the key in " + this.key + " is not the key of " + this.cert);
		}
		return certificate;
	}

	static X509Certificate parse(String pem) throws CertificateException {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
	}

	/** Whether a signature by the key verifies with the certificate's public key. */
	static boolean signs(PrivateKey privateKey, X509Certificate certificate) throws GeneralSecurityException {
		String algorithm = "EC".equals(privateKey.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
		byte[] challenge = "stevedore node certificate".getBytes(StandardCharsets.US_ASCII);
		Signature signer = Signature.getInstance(algorithm);
		signer.initSign(privateKey);
		signer.update(challenge);
		byte[] signature = signer.sign();
		Signature verifier = Signature.getInstance(algorithm);
		verifier.initVerify(certificate.getPublicKey());
		verifier.update(challenge);
		return verifier.verify(signature);
	}

	private static PrivateKey privateKey(String pem) throws IOException {
		try (PEMParser parser = new PEMParser(new StringReader(pem))) {
			Object object = parser.readObject();
			JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
			if (object instanceof PEMKeyPair pair) {
				return converter.getKeyPair(pair).getPrivate();
			}
			if (object instanceof PrivateKeyInfo info) {
				return converter.getPrivateKey(info);
			}
			throw new IOException("no private key in PEM");
		}
	}

	/** Written beside the target with owner-only permissions, then moved over it. */
	static void write(Path file, String content) {
		try {
			Path dir = file.toAbsolutePath().getParent();
			Files.createDirectories(dir);
			Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			try {
				Files.writeString(temp, content, StandardCharsets.US_ASCII);
				Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			finally {
				Files.deleteIfExists(temp);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
		}
	}

}
