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
 * @param authorizationMode {@code Webhook} (the kubelet's
 * {@code --authorization-mode=Webhook}): each call is authorized by a SubjectAccessReview
 * on {@code nodes/<subresource>}; {@code Groups}: a caller in one of
 * {@code authorizedGroups} may do anything, without asking
 * @param authorizedGroups with {@code authorization-mode=Groups}, the groups let in
 * @param authenticationTokenWebhook whether a bearer token is reviewed (TokenReview) when
 * no client certificate is presented, as the kubelet's
 * {@code --authentication-token-webhook}; otherwise such a call is answered 401
 * @param authenticationCacheTtl how long a TokenReview's answer is kept (the kubelet's
 * {@code authentication.webhook.cacheTTL})
 * @param authorizationCacheAuthorizedTtl how long an allow is kept
 * ({@code authorization.webhook.cacheAuthorizedTTL})
 * @param authorizationCacheUnauthorizedTtl how long a denial is kept
 * ({@code authorization.webhook.cacheUnauthorizedTTL})
 * @param reviewTimeout how long one review may take before the call is refused (401 for a
 * token, 500 for an authorization)
 * @param timeout how long one request waits to be approved and issued
 * @param certificateDuration the lifetime asked for ({@code spec.expirationSeconds});
 * unset, the signer's
 */
@ConfigurationProperties("stevedore.node.serving")
public record ServingProperties(String certFile, String keyFile, @DefaultValue("false") boolean tlsBootstrap,
		String clientCaFile, @DefaultValue("Webhook") AuthorizationMode authorizationMode,
		@DefaultValue("system:masters") List<String> authorizedGroups,
		@DefaultValue("true") boolean authenticationTokenWebhook, @DefaultValue("2m") Duration authenticationCacheTtl,
		@DefaultValue("5m") Duration authorizationCacheAuthorizedTtl,
		@DefaultValue("30s") Duration authorizationCacheUnauthorizedTtl, @DefaultValue("10s") Duration reviewTimeout,
		@DefaultValue("5m") Duration timeout, Duration certificateDuration) {

	/** How calls to the agent's API are authorized. */
	public enum AuthorizationMode {

		/** A SubjectAccessReview per call (cached), as the kubelet's Webhook mode. */
		WEBHOOK,

		/** A fixed list of groups, without asking the API. */
		GROUPS

	}

	public ServingProperties {
		if (certFile != null && !certFile.isBlank() && (keyFile == null || keyFile.isBlank())) {
			throw new IllegalArgumentException("stevedore.node.serving.key-file must be set with cert-file");
		}
		if (reviewTimeout.isZero() || reviewTimeout.isNegative()) {
			throw new IllegalArgumentException(
					"stevedore.node.serving.review-timeout must be positive, got " + reviewTimeout);
		}
		if (certificateDuration != null && certificateDuration.compareTo(Duration.ofMinutes(10)) < 0) {
			throw new IllegalArgumentException("stevedore.node.serving.certificate-duration must be at least 10m "
					+ "(spec.expirationSeconds >= 600), got " + certificateDuration);
		}
	}

}
