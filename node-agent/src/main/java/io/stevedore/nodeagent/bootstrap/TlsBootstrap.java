package io.stevedore.nodeagent.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;

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

	private final NodeCertificateFiles files;

	public TlsBootstrap(ApiServerClientProperties api, BootstrapProperties bootstrap, Clock clock) {
		if (blank(bootstrap.certFile()) || blank(bootstrap.keyFile())) {
			throw new IllegalArgumentException("stevedore.node.bootstrap.cert-file and key-file must be set "
					+ "with stevedore.node.bootstrap.token-file");
		}
		this.api = api;
		this.bootstrap = bootstrap;
		this.clock = clock;
		this.files = new NodeCertificateFiles(Path.of(bootstrap.certFile()), Path.of(bootstrap.keyFile()));
	}

	NodeCertificateFiles files() {
		return this.files;
	}

	/**
	 * The client properties with the node's own certificate, bootstrapping it first if
	 * needed.
	 */
	public ApiServerClientProperties nodeCredentials(String nodeName) {
		if (reusable()) {
			log.info("node {}: using its client certificate {}", nodeName, this.files.cert());
		}
		else {
			NodeCertificateRequest request = NodeCertificateRequest.create(nodeName,
					this.bootstrap.certificateDuration());
			this.files.write(request.keyPem(), issueWithToken(nodeName, request));
			log.info("node {}: client certificate written to {}", nodeName, this.files.cert());
		}
		return new ApiServerClientProperties(this.api.url(), null, null, this.api.caCertFile(),
				this.files.cert().toString(), this.files.key().toString(), this.api.requestTimeout(),
				this.api.watchReconnectInterval());
	}

	/**
	 * Whether both files exist, the key is the certificate's and the certificate is valid
	 * past the renewal margin.
	 */
	boolean reusable() {
		if (!this.files.exist()) {
			return false;
		}
		try {
			X509Certificate x509 = this.files.matchingPair();
			Instant now = this.clock.instant();
			return now.isAfter(x509.getNotBefore().toInstant())
					&& now.plus(this.bootstrap.renewBefore()).isBefore(x509.getNotAfter().toInstant());
		}
		catch (IOException | GeneralSecurityException ex) {
			log.warn("client certificate {} and key {} are unusable ({}): bootstrapping a new one", this.files.cert(),
					this.files.key(), ex.getMessage());
			return false;
		}
	}

	/**
	 * Asks for the request's certificate as the bootstrapper (the token): at the first
	 * start, and when the node's own certificate expired before it could be renewed.
	 */
	String issueWithToken(String nodeName, NodeCertificateRequest request) {
		String token = read(Path.of(this.bootstrap.tokenFile())).strip();
		ApiServerClientProperties asBootstrapper = new ApiServerClientProperties(this.api.url(), token, null,
				this.api.caCertFile(), null, null, this.api.requestTimeout(), this.api.watchReconnectInterval());
		try (KubernetesClient client = KubernetesClients.create(asBootstrapper)) {
			return new CertificateSigning(this.clock, this.bootstrap.timeout()).issue(client, nodeName, request);
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

	private static boolean blank(String value) {
		return value == null || value.isBlank();
	}

}
