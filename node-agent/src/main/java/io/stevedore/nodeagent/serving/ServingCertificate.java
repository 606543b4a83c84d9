package io.stevedore.nodeagent.serving;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import io.stevedore.nodeagent.bootstrap.CertificateRotation;
import io.stevedore.nodeagent.bootstrap.NodeCertificateFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * The certificate the agent's HTTPS port presents, as a Spring Boot SSL bundle that
 * Tomcat serves and reloads in place when it changes (new connections get the new
 * certificate, open ones go on). At start it is the files' certificate when they hold a
 * matching pair that has not expired; otherwise, until the cluster issues one, a
 * self-signed certificate made in memory for the node's names, as the kubelet's
 * self-signed default: the port is never plain HTTP, and a client that verifies against
 * the cluster CA (the apiserver) refuses it, which is right, since nothing vouches for
 * it.
 */
public final class ServingCertificate implements CertificateRotation.InUse {

	/** The SSL bundle Tomcat's connector is configured with. */
	public static final String BUNDLE = "node-serving";

	private static final Logger log = LoggerFactory.getLogger(ServingCertificate.class);

	private final NodeCertificateFiles files;

	private final String clientCaPem;

	private volatile X509Certificate issued;

	private volatile SslBundle bundle;

	private SslBundleRegistry registry;

	/**
	 * @param clientCaPem the CA trusted for client certificates, or null for none
	 */
	ServingCertificate(NodeCertificateFiles files, String clientCaPem, String nodeName, List<String> hostnames,
			List<String> ips, Clock clock) {
		this.files = files;
		this.clientCaPem = clientCaPem;
		X509Certificate found = usable(files, clock.instant(), hostnames, ips);
		if (found != null) {
			this.issued = found;
			this.bundle = bundle(read(files.cert()), read(files.key()));
			log.info("node {}: serving {} (serial {}, valid until {})", nodeName, files.cert(),
					found.getSerialNumber().toString(16), found.getNotAfter().toInstant());
		}
		else {
			this.bundle = selfSigned(nodeName, hostnames, ips, clock.instant());
			log.info("node {}: no serving certificate in {} yet: serving a self-signed one until one is issued",
					nodeName, files.cert());
		}
	}

	/**
	 * Registers the bundle (once, before the web server is made) and keeps the registry.
	 */
	synchronized void register(SslBundleRegistry registry) {
		this.registry = registry;
		registry.registerBundle(BUNDLE, this.bundle);
	}

	/** The issued certificate in use, null while the self-signed one is. */
	@Override
	public X509Certificate certificate() {
		return this.issued;
	}

	@Override
	public synchronized X509Certificate reload() {
		X509Certificate certificate;
		try {
			certificate = this.files.matchingPair();
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("cannot read the serving certificate just written: " + ex.getMessage(), ex);
		}
		this.bundle = bundle(read(this.files.cert()), read(this.files.key()));
		if (this.registry != null) {
			this.registry.updateBundle(BUNDLE, this.bundle);
		}
		this.issued = certificate;
		return certificate;
	}

	private SslBundle bundle(String certificatePem, String keyPem) {
		PemSslStoreDetails keyStore = PemSslStoreDetails.forCertificates(certificatePem).withPrivateKey(keyPem);
		PemSslStoreDetails trustStore = this.clientCaPem == null ? null
				: PemSslStoreDetails.forCertificates(this.clientCaPem);
		return SslBundle.of(new PemSslStoreBundle(keyStore, trustStore));
	}

	/**
	 * The files' certificate if its key is beside it, it has not expired and it names the
	 * node's current names (client-go's certificate manager asks again when its template
	 * changed: an agent given another address must not serve a certificate the
	 * apiserver's hostname check refuses until the next rotation, months away).
	 */
	private static X509Certificate usable(NodeCertificateFiles files, Instant now, List<String> hostnames,
			List<String> ips) {
		if (!files.exist()) {
			return null;
		}
		try {
			X509Certificate certificate = files.matchingPair();
			if (!now.isBefore(certificate.getNotAfter().toInstant())) {
				return null;
			}
			List<String> names = subjectAltNames(certificate);
			List<String> wanted = new ArrayList<>(hostnames);
			ips.forEach((ip) -> wanted.add(canonicalIp(ip)));
			if (!names.containsAll(wanted)) {
				log.info("serving certificate {} names {}, not all of the node's {}: asking for a new one",
						files.cert(), names, wanted);
				return null;
			}
			return certificate;
		}
		catch (IOException | GeneralSecurityException ex) {
			log.warn("serving certificate {} and key {} are unusable ({}): asking for a new one", files.cert(),
					files.key(), ex.getMessage());
			return null;
		}
	}

	/** DNS names as they are, IP addresses in the JDK's text for them. */
	private static List<String> subjectAltNames(X509Certificate certificate) throws CertificateParsingException {
		List<String> names = new ArrayList<>();
		if (certificate.getSubjectAlternativeNames() != null) {
			for (List<?> name : certificate.getSubjectAlternativeNames()) {
				String value = name.get(1).toString();
				names.add(Integer.valueOf(GeneralName.iPAddress).equals(name.get(0)) ? canonicalIp(value) : value);
			}
		}
		return names;
	}

	private static String canonicalIp(String ip) {
		try {
			return InetAddress.getByName(ip).getHostAddress();
		}
		catch (UnknownHostException ex) {
			return ip;
		}
	}

	/** A self-signed certificate for the node's names, valid a day. */
	private SslBundle selfSigned(String nodeName, List<String> hostnames, List<String> ips, Instant now) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair key = generator.generateKeyPair();
			X500Name subject = new X500Name("CN=" + nodeName + "@" + now.getEpochSecond());
			var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
					Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
					key.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.extendedKeyUsage, false,
					new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
			List<GeneralName> names = new ArrayList<>();
			hostnames.forEach((name) -> names.add(new GeneralName(GeneralName.dNSName, name)));
			ips.forEach((ip) -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
			if (!names.isEmpty()) {
				builder.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(names.toArray(GeneralName[]::new)));
			}
			X509Certificate certificate = new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
			return bundle(pem(certificate), pem(new JcaPKCS8Generator(key.getPrivate(), null).generate()));
		}
		catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException | IOException ex) {
			throw new IllegalStateException("cannot make a self-signed serving certificate: " + ex.getMessage(), ex);
		}
	}

	/** The node's names split as the kubelet does: IP literals, the rest DNS names. */
	static boolean isIp(String address) {
		if (!address.matches("[0-9.]+") && !address.contains(":")) {
			return false;
		}
		try {
			InetAddress.getByName(address);
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static String pem(Object object) throws IOException {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(object);
		}
		return out.toString();
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + file, ex);
		}
	}

}
