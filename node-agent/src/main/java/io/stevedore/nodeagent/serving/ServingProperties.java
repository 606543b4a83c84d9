package io.stevedore.nodeagent.serving;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The agent's own HTTPS port, as the kubelet's {@code --tls-cert-file},
 * {@code --tls-private-key-file}, {@code serverTLSBootstrap} and
 * {@code authentication.x509.clientCAFile}. Unset {@code cert-file}: plain HTTP, no
 * authentication (as before).
 *
 * @param certFile the serving certificate (PEM); with it set the port is HTTPS
 * @param keyFile its private key (PEM, mode 600)
 * @param tlsBootstrap whether the agent asks the cluster for the certificate
 * ({@code kubernetes.io/kubelet-serving}) and renews it at 70-90 % of its lifetime, as
 * the kubelet's {@code serverTLSBootstrap}; otherwise the files are given and kept
 * @param clientCaFile the CA whose client certificates may call the agent's API (the
 * apiserver's {@code --kubelet-client-certificate}); with it set, a call without such a
 * certificate is answered 401; the Actuator endpoints stay open, as the kubelet's healthz
 * port
 * @param authorizedGroups the client certificate groups (O) let in; another certificate
 * of the CA is answered 403 (the kubelet asks RBAC for {@code nodes/proxy} instead)
 * @param timeout how long one request waits to be approved and issued
 * @param certificateDuration the lifetime asked for ({@code spec.expirationSeconds});
 * unset, the signer's
 */
@ConfigurationProperties("stevedore.node.serving")
public record ServingProperties(String certFile, String keyFile, @DefaultValue("false") boolean tlsBootstrap,
		String clientCaFile, @DefaultValue("system:masters") List<String> authorizedGroups,
		@DefaultValue("5m") Duration timeout, Duration certificateDuration) {

	public ServingProperties {
		if (certFile != null && !certFile.isBlank() && (keyFile == null || keyFile.isBlank())) {
			throw new IllegalArgumentException("stevedore.node.serving.key-file must be set with cert-file");
		}
		if (certificateDuration != null && certificateDuration.compareTo(Duration.ofMinutes(10)) < 0) {
			throw new IllegalArgumentException("stevedore.node.serving.certificate-duration must be at least 10m "
					+ "(spec.expirationSeconds >= 600), got " + certificateDuration);
		}
	}

}
