package io.stevedore.nodeagent.bootstrap;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * TLS bootstrapping, as the kubelet's {@code --bootstrap-kubeconfig} and
 * {@code --cert-dir}: with a bootstrap token and no valid client certificate yet, the
 * agent asks the cluster for one and keeps it in these files.
 *
 * @param tokenFile the bootstrap token ({@code <id>.<secret>}); bootstrapping is off
 * without it
 * @param certFile where the node's client certificate is (written on bootstrap)
 * @param keyFile where its private key is (mode 600)
 * @param timeout how long to wait for the certificate to be issued
 * @param renewBefore a certificate expiring within this is not reused at start: a new one
 * is asked for
 * @param rotate whether the running agent renews its certificate at 70-90 % of its
 * lifetime, as the kubelet's {@code rotateCertificates} ({@link CertificateRotation})
 * @param certificateDuration the lifetime asked for in each request
 * ({@code spec.expirationSeconds}, at least 10 minutes); unset, the signer's
 * ({@code --cluster-signing-duration})
 */
@ConfigurationProperties("stevedore.node.bootstrap")
public record BootstrapProperties(String tokenFile, String certFile, String keyFile,
		@DefaultValue("5m") Duration timeout, @DefaultValue("1h") Duration renewBefore,
		@DefaultValue("true") boolean rotate, Duration certificateDuration) {

	/** The shortest spec.expirationSeconds Kubernetes accepts. */
	static final Duration SHORTEST_DURATION = Duration.ofMinutes(10);

	public BootstrapProperties {
		if (certificateDuration != null && certificateDuration.compareTo(SHORTEST_DURATION) < 0) {
			throw new IllegalArgumentException("stevedore.node.bootstrap.certificate-duration must be at least 10m "
					+ "(spec.expirationSeconds >= 600), got " + certificateDuration);
		}
	}

}
