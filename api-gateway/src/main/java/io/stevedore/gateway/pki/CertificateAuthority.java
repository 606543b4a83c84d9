package io.stevedore.gateway.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's certificate authority: one self-signed ECDSA P-256 CA that signs the
 * gateway's serving certificate and every client certificate. A client certificate names
 * the user in its CN and the groups in its O attributes, as kube-apiserver reads them.
 * Immutable; the clock is injected so validity periods are tested without waiting.
 */
public final class CertificateAuthority {

	static final Duration CA_VALIDITY = Duration.ofDays(3650);

	static final Duration LEAF_VALIDITY = Duration.ofDays(365);

	/** Tolerates clocks of clients a little behind ours. */
	private static final Duration BACKDATE = Duration.ofMinutes(5);

	private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final X509Certificate certificate;

	private final PrivateKey privateKey;

	private final Clock clock;

	public CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, Clock clock) {
		this.certificate = certificate;
		this.privateKey = privateKey;
		this.clock = clock;
	}

	/** A new self-signed CA named {@code commonName}. */
	public static CertificateAuthority generate(String commonName, Clock clock) {
		KeyPair keys = newKeyPair();
		X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
		Instant now = clock.instant();
		try {
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
					Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true,
						new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(keys.getPublic()));
			return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate(), clock);
		}
		catch (GeneralSecurityException | CertIOException ex) {
			throw new IllegalStateException("cannot create the cluster CA", ex);
		}
	}

	public static KeyPair newKeyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("no ECDSA P-256 key generator in this JVM", ex);
		}
	}

	/**
	 * An RSA 2048 key pair, for clients that cannot read EC keys from PKCS#8 (fabric8's
	 * client reads a PKCS#8 key as RSA).
	 */
	public static KeyPair newRsaKeyPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048, RANDOM);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("no RSA key generator in this JVM", ex);
		}
	}

	/** The clock certificates are issued and checked with. */
	Clock clock() {
		return this.clock;
	}

	public X509Certificate certificate() {
		return this.certificate;
	}

	public PrivateKey privateKey() {
		return this.privateKey;
	}

	/**
	 * A serving certificate for {@code subjectAlternativeNames}: IP addresses become IP
	 * SANs, anything else a DNS SAN.
	 */
	public X509Certificate issueServing(String commonName, List<String> subjectAlternativeNames, PublicKey publicKey) {
		if (subjectAlternativeNames.isEmpty()) {
			throw new IllegalArgumentException("a serving certificate needs at least one subject alternative name");
		}
		List<GeneralName> names = new ArrayList<>();
		for (String san : subjectAlternativeNames) {
			names.add(isIpAddress(san) ? new GeneralName(GeneralName.iPAddress, san)
					: new GeneralName(GeneralName.dNSName, san));
		}
		X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
		return issue(subject, publicKey, KeyPurposeId.id_kp_serverAuth,
				new GeneralNames(names.toArray(GeneralName[]::new)));
	}

	/** A client certificate: CN = user, one O per group. */
	public X509Certificate issueClient(String user, List<String> groups, PublicKey publicKey) {
		if (user == null || user.isBlank()) {
			throw new IllegalArgumentException("a client certificate needs a user name (CN)");
		}
		X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
		for (String group : groups) {
			subject.addRDN(BCStyle.O, group);
		}
		subject.addRDN(BCStyle.CN, user);
		return issue(subject.build(), publicKey, KeyPurposeId.id_kp_clientAuth, null);
	}

	/**
	 * Checks that this CA signed {@code certificate}, that it is valid now and that it
	 * may authenticate a client.
	 * @throws CertificateException naming what is wrong
	 */
	public void verifyClient(X509Certificate certificate) throws CertificateException {
		try {
			certificate.verify(this.certificate.getPublicKey());
		}
		catch (GeneralSecurityException ex) {
			throw new CertificateException("certificate signed by unknown authority", ex);
		}
		certificate.checkValidity(Date.from(this.clock.instant()));
		List<String> usages = certificate.getExtendedKeyUsage();
		if (usages != null && !usages.contains(KeyPurposeId.id_kp_clientAuth.getId())) {
			throw new CertificateException("certificate specifies an incompatible key usage");
		}
	}

	private X509Certificate issue(X500Name subject, PublicKey publicKey, KeyPurposeId purpose, GeneralNames sans) {
		Instant now = this.clock.instant();
		try {
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(this.certificate, serial(),
					Date.from(now.minus(BACKDATE)), Date.from(now.plus(LEAF_VALIDITY)), subject, publicKey)
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true,
						new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
				.addExtension(Extension.authorityKeyIdentifier, false,
						extensions.createAuthorityKeyIdentifier(this.certificate));
			if (sans != null) {
				builder.addExtension(Extension.subjectAlternativeName, false, sans);
			}
			return sign(builder, this.privateKey);
		}
		catch (GeneralSecurityException | CertIOException ex) {
			throw new IllegalStateException("cannot issue a certificate for " + subject, ex);
		}
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws CertificateException {
		try {
			return new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key)));
		}
		catch (OperatorCreationException ex) {
			throw new CertificateException("cannot sign with " + SIGNATURE_ALGORITHM, ex);
		}
	}

	private static BigInteger serial() {
		return new BigInteger(127, RANDOM);
	}

	static boolean isIpAddress(String name) {
		if (name.contains(":")) {
			return true;
		}
		if (!name.matches("[0-9.]+")) {
			return false;
		}
		try {
			InetAddress.getByName(name);
			return true;
		}
		catch (java.net.UnknownHostException ex) {
			return false;
		}
	}

}
