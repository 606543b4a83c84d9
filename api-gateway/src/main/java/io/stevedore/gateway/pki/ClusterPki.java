package io.stevedore.gateway.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's key material in the state directory, created at first start and reused
 * after: the CA ({@code ca.crt}, {@code ca.key}), the gateway's serving certificate
 * ({@code gateway.crt}, {@code gateway.key}), the admin client certificate
 * ({@code admin.crt}, {@code admin.key}: CN=admin, O=system:masters) and an admin
 * {@code kubeconfig} using it. The serving certificate is reissued when its SANs change.
 */
public final class ClusterPki {

	private static final Logger log = LoggerFactory.getLogger(ClusterPki.class);

	public static final String ADMIN_USER = "admin";

	public static final String MASTERS_GROUP = "system:masters";

	private final Path directory;

	private final CertificateAuthority authority;

	private final X509Certificate servingCertificate;

	private final PrivateKey servingKey;

	private ClusterPki(Path directory, CertificateAuthority authority, X509Certificate servingCertificate,
			PrivateKey servingKey) {
		this.directory = directory;
		this.authority = authority;
		this.servingCertificate = servingCertificate;
		this.servingKey = servingKey;
	}

	/**
	 * Loads the key material from {@code directory}, creating what is missing.
	 * @param server the URL written into the admin kubeconfig
	 */
	public static ClusterPki loadOrCreate(Path directory, List<String> subjectAlternativeNames, String server,
			Clock clock) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("stevedore.gateway.state-dir: cannot create " + directory, ex);
		}
		CertificateAuthority authority = loadOrCreateAuthority(directory, clock);
		Path servingCert = directory.resolve("gateway.crt");
		Path servingKey = directory.resolve("gateway.key");
		if (!Files.exists(servingCert) || !Files.exists(servingKey)
				|| !sansOf(Pem.readCertificate(servingCert)).containsAll(subjectAlternativeNames)
				|| !signedBy(authority, Pem.readCertificate(servingCert))) {
			KeyPair keys = CertificateAuthority.newKeyPair();
			X509Certificate certificate = authority.issueServing("stevedore-gateway", subjectAlternativeNames,
					keys.getPublic());
			Pem.writePrivate(servingKey, Pem.encode(keys.getPrivate()));
			Pem.writePublic(servingCert, Pem.encode(certificate));
			log.info("issued gateway serving certificate sans={} dir={}", subjectAlternativeNames, directory);
		}
		Path adminCert = directory.resolve("admin.crt");
		Path adminKey = directory.resolve("admin.key");
		if (!Files.exists(adminCert) || !Files.exists(adminKey)
				|| !signedBy(authority, Pem.readCertificate(adminCert))) {
			KeyPair keys = CertificateAuthority.newKeyPair();
			X509Certificate certificate = authority.issueClient(ADMIN_USER, List.of(MASTERS_GROUP), keys.getPublic());
			Pem.writePrivate(adminKey, Pem.encode(keys.getPrivate()));
			Pem.writePublic(adminCert, Pem.encode(certificate));
		}
		Pem.writePrivate(directory.resolve("kubeconfig"), kubeconfig(server, authority.certificate(),
				Pem.readCertificate(adminCert), Pem.readPrivateKey(adminKey), ADMIN_USER));
		return new ClusterPki(directory, authority, Pem.readCertificate(servingCert), Pem.readPrivateKey(servingKey));
	}

	private static CertificateAuthority loadOrCreateAuthority(Path directory, Clock clock) {
		Path cert = directory.resolve("ca.crt");
		Path key = directory.resolve("ca.key");
		if (Files.exists(cert) && Files.exists(key)) {
			return new CertificateAuthority(Pem.readCertificate(cert), Pem.readPrivateKey(key), clock);
		}
		CertificateAuthority authority = CertificateAuthority.generate("stevedore-ca", clock);
		Pem.writePrivate(key, Pem.encode(authority.privateKey()));
		Pem.writePublic(cert, Pem.encode(authority.certificate()));
		log.info("created cluster CA dir={}", directory);
		return authority;
	}

	/**
	 * A kubeconfig with one cluster, user and context named {@code stevedore},
	 * credentials inline so the file can be copied elsewhere.
	 */
	public static String kubeconfig(String server, X509Certificate ca, X509Certificate clientCertificate,
			PrivateKey clientKey, String user) {
		return """
				apiVersion: v1
				kind: Config
				clusters:
				- name: stevedore
				  cluster:
				    server: %s
				    certificate-authority-data: %s
				users:
				- name: %s
				  user:
				    client-certificate-data: %s
				    client-key-data: %s
				contexts:
				- name: stevedore
				  context:
				    cluster: stevedore
				    user: %s
				current-context: stevedore
				""".formatted(server, base64(Pem.encode(ca)), user, base64(Pem.encode(clientCertificate)),
				base64(Pem.encode(clientKey)), user);
	}

	private static String base64(String pem) {
		return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
	}

	private static boolean signedBy(CertificateAuthority authority, X509Certificate certificate) {
		try {
			certificate.verify(authority.certificate().getPublicKey());
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static List<String> sansOf(X509Certificate certificate) {
		try {
			var names = certificate.getSubjectAlternativeNames();
			return names == null ? List.of() : names.stream().map((entry) -> String.valueOf(entry.get(1))).toList();
		}
		catch (java.security.cert.CertificateParsingException ex) {
			return List.of();
		}
	}

	public Path directory() {
		return this.directory;
	}

	public CertificateAuthority authority() {
		return this.authority;
	}

	public X509Certificate servingCertificate() {
		return this.servingCertificate;
	}

	public PrivateKey servingKey() {
		return this.servingKey;
	}

	public Path kubeconfig() {
		return this.directory.resolve("kubeconfig");
	}

}
