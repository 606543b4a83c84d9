package io.stevedore.controller.certificates;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The cluster CA as kube-controller-manager's csrsigning uses it
 * ({@code --cluster-signing-cert-file}, {@code --cluster-signing-key-file}): issues a
 * certificate for a request's subject, key and subject alternative names, valid from five
 * minutes ago (clock skew, as Kubernetes backdates) for the requested duration (at least
 * ten minutes) capped by {@code --cluster-signing-duration}, never past the CA's own
 * expiry. Every built-in signer shares the one CA and the one maximum, as
 * kube-controller-manager does when only {@code --cluster-signing-cert-file} is given.
 */
public final class ClusterSigner {

	static final Duration BACKDATE = Duration.ofMinutes(5);

	/**
	 * Kubernetes' floor on a requested duration: twice the backdating, so a certificate
	 * is never already expired when issued.
	 */
	static final Duration MIN_DURATION = Duration.ofMinutes(10);

	private final X509Certificate ca;

	private final PrivateKey key;

	private final Duration maxDuration;

	private final SecureRandom random = new SecureRandom();

	public ClusterSigner(X509Certificate ca, PrivateKey key, Duration maxDuration) {
		this.ca = ca;
		this.key = key;
		this.maxDuration = maxDuration;
	}

	/** Reads the CA certificate and key (PKCS#1, SEC1 or PKCS#8 PEM). */
	public static ClusterSigner fromFiles(Path certFile, Path keyFile, Duration maxDuration) {
		try (PEMParser certs = new PEMParser(new StringReader(Files.readString(certFile, StandardCharsets.US_ASCII)));
				PEMParser keys = new PEMParser(
						new StringReader(Files.readString(keyFile, StandardCharsets.US_ASCII)))) {
			X509Certificate ca = new JcaX509CertificateConverter()
				.getCertificate((X509CertificateHolder) certs.readObject());
			Object keyObject = keys.readObject();
			JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
			PrivateKey key = keyObject instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
					: converter.getPrivateKey((PrivateKeyInfo) keyObject);
			return new ClusterSigner(ca, key, maxDuration);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cluster signing CA cannot be read: " + ex.getMessage(), ex);
		}
		catch (CertificateException | ClassCastException ex) {
			throw new IllegalArgumentException("cluster signing CA cannot be read: " + ex.getMessage(), ex);
		}
	}

	public X509Certificate ca() {
		return this.ca;
	}

	/**
	 * A certificate for the request's subject, key and subject alternative names, as PEM.
	 * @param expirationSeconds spec.expirationSeconds, may be null
	 * @param usages spec.usages
	 */
	public String sign(PKCS10CertificationRequest request, Integer expirationSeconds, List<String> usages,
			Instant now) {
		Duration duration = this.maxDuration;
		if (expirationSeconds != null && Duration.ofSeconds(expirationSeconds).compareTo(duration) < 0) {
			duration = Duration.ofSeconds(Math.max(expirationSeconds, MIN_DURATION.toSeconds()));
		}
		Instant notAfter = now.plus(duration);
		if (notAfter.isAfter(this.ca.getNotAfter().toInstant())) {
			notAfter = this.ca.getNotAfter().toInstant();
		}
		Instant notBefore = now.minus(BACKDATE);
		try {
			X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
					X500Name.getInstance(this.ca.getSubjectX500Principal().getEncoded()),
					new BigInteger(128, this.random).setBit(127), Date.from(notBefore), Date.from(notAfter),
					request.getSubject(), request.getSubjectPublicKeyInfo());
			JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage(usages)));
			List<KeyPurposeId> purposes = new ArrayList<>();
			if (usages.contains("client auth")) {
				purposes.add(KeyPurposeId.id_kp_clientAuth);
			}
			if (usages.contains("server auth")) {
				purposes.add(KeyPurposeId.id_kp_serverAuth);
			}
			if (!purposes.isEmpty()) {
				builder.addExtension(Extension.extendedKeyUsage, false,
						new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
			}
			// The names a serving certificate is for (kubelet-serving); the signers'
			// checks have already refused the kinds they do not allow.
			Extension names = SubjectAltNames.extension(request);
			if (names != null) {
				builder.addExtension(Extension.subjectAlternativeName, false, names.getParsedValue());
			}
			builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(this.ca));
			ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(this.key)).build(this.key);
			X509Certificate issued = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
			StringWriter out = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
				writer.writeObject(issued);
			}
			return out.toString();
		}
		catch (IOException | OperatorCreationException | CertificateException
				| java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException("signing failed: " + ex.getMessage(), ex);
		}
	}

	private static int keyUsage(List<String> usages) {
		int bits = 0;
		if (usages.contains("digital signature")) {
			bits |= KeyUsage.digitalSignature;
		}
		if (usages.contains("key encipherment")) {
			bits |= KeyUsage.keyEncipherment;
		}
		return bits == 0 ? KeyUsage.digitalSignature : bits;
	}

	private static String signatureAlgorithm(PrivateKey key) {
		return switch (key.getAlgorithm()) {
			case "EC", "ECDSA" -> "SHA256withECDSA";
			default -> "SHA256withRSA";
		};
	}

}
