package io.stevedore.nodeagent.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's TLS bootstrap: when the node has no client certificate that is still
 * good, it authenticates with the bootstrap token, posts a CertificateSigningRequest for
 * {@code system:node:<name>}, waits until the cluster approved and issued it, and writes
 * key (mode 600) and certificate. A certificate found valid is reused: a restart does not
 * ask again.
 */
public final class TlsBootstrap {

	private static final Logger log = LoggerFactory.getLogger(TlsBootstrap.class);

	private final ApiServerClientProperties api;

	private final BootstrapProperties bootstrap;

	private final Clock clock;

	public TlsBootstrap(ApiServerClientProperties api, BootstrapProperties bootstrap, Clock clock) {
		if (blank(bootstrap.certFile()) || blank(bootstrap.keyFile())) {
			throw new IllegalArgumentException("stevedore.node.bootstrap.cert-file and key-file must be set "
					+ "with stevedore.node.bootstrap.token-file");
		}
		this.api = api;
		this.bootstrap = bootstrap;
		this.clock = clock;
	}

	/**
	 * The client properties with the node's own certificate, bootstrapping it first if
	 * needed.
	 */
	public ApiServerClientProperties nodeCredentials(String nodeName) {
		Path cert = Path.of(this.bootstrap.certFile());
		Path key = Path.of(this.bootstrap.keyFile());
		if (reusable(cert, key)) {
			log.info("node {}: using its client certificate {}", nodeName, cert);
		}
		else {
			bootstrap(nodeName, cert, key);
		}
		return new ApiServerClientProperties(this.api.url(), null, null, this.api.caCertFile(), cert.toString(),
				key.toString(), this.api.requestTimeout(), this.api.watchReconnectInterval());
	}

	/** Whether both files exist and the certificate is valid past the renewal margin. */
	boolean reusable(Path cert, Path key) {
		if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
			return false;
		}
		try {
			X509Certificate x509 = parse(Files.readString(cert, StandardCharsets.US_ASCII));
			Instant now = this.clock.instant();
			return now.isAfter(x509.getNotBefore().toInstant())
					&& now.plus(this.bootstrap.renewBefore()).isBefore(x509.getNotAfter().toInstant());
		}
		catch (IOException | CertificateException ex) {
			log.warn("client certificate {} is unreadable ({}): bootstrapping a new one", cert, ex.getMessage());
			return false;
		}
	}

	private void bootstrap(String nodeName, Path cert, Path key) {
		String token = read(Path.of(this.bootstrap.tokenFile())).strip();
		ApiServerClientProperties asBootstrapper = new ApiServerClientProperties(this.api.url(), token, null,
				this.api.caCertFile(), null, null, this.api.requestTimeout(), this.api.watchReconnectInterval());
		NodeCertificateRequest request = NodeCertificateRequest.create(nodeName);
		try (KubernetesClient client = KubernetesClients.create(asBootstrapper)) {
			CertificateSigningRequest created = client.certificates()
				.v1()
				.certificateSigningRequests()
				.resource(request.csr())
				.create();
			String name = created.getMetadata().getName();
			log.info("node {}: asked for its client certificate with CertificateSigningRequest {}", nodeName, name);
			String pem = awaitCertificate(client, name);
			write(key, request.keyPem());
			write(cert, pem);
			log.info("node {}: client certificate issued by {}, written to {}", nodeName, name, cert);
		}
	}

	private String awaitCertificate(KubernetesClient client, String name) {
		Instant deadline = this.clock.instant().plus(this.bootstrap.timeout());
		while (true) {
			CertificateSigningRequest csr = client.certificates()
				.v1()
				.certificateSigningRequests()
				.withName(name)
				.get();
			if (csr == null) {
				throw new IllegalStateException(
						"CertificateSigningRequest " + name + " was deleted before it was issued");
			}
			if (csr.getStatus() != null) {
				if (csr.getStatus().getConditions() != null) {
					for (var c : csr.getStatus().getConditions()) {
						if (("Denied".equals(c.getType()) || "Failed".equals(c.getType()))
								&& "True".equals(c.getStatus())) {
							throw new IllegalStateException("CertificateSigningRequest " + name + " " + c.getType()
									+ ": " + c.getReason() + " " + c.getMessage());
						}
					}
				}
				String certificate = csr.getStatus().getCertificate();
				if (certificate != null && !certificate.isEmpty()) {
					return new String(Base64.getMimeDecoder().decode(certificate), StandardCharsets.US_ASCII);
				}
			}
			if (this.clock.instant().isAfter(deadline)) {
				throw new IllegalStateException("CertificateSigningRequest " + name + " was not issued within "
						+ this.bootstrap.timeout() + " (is it approved? kubectl get csr " + name + ")");
			}
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted waiting for CertificateSigningRequest " + name, ex);
			}
		}
	}

	/** Written beside the target with owner-only permissions, then moved over it. */
	private static void write(Path file, String content) {
		try {
			Path dir = file.toAbsolutePath().getParent();
			Files.createDirectories(dir);
			Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(temp, content, StandardCharsets.US_ASCII);
			Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("stevedore.node.bootstrap.token-file: cannot read " + file, ex);
		}
	}

	static X509Certificate parse(String pem) throws CertificateException {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
	}

	private static boolean blank(String value) {
		return value == null || value.isBlank();
	}

}
