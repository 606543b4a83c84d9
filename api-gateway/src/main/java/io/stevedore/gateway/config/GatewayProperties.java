package io.stevedore.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the gateway ({@code stevedore.gateway.*}).
 *
 * @param upstreams the apiserver replicas requests are balanced over (plain HTTP on
 * loopback, as the apiservers listen)
 * @param stateDir where the cluster CA, the gateway's serving certificate, the admin
 * client certificate and the admin kubeconfig live; created at first start
 * @param healthCheckInterval how often every upstream's {@code /readyz} is polled
 * @param tls the serving side
 * @param tokenAuthFile a static token file, CSV as Kubernetes' {@code --token-auth-file}
 * ({@code token,user,uid,"group1,group2"}); none when empty
 * @param rbac authorization settings
 * @param audit audit log settings
 * @param admission the loopback endpoint the apiservers call for admission
 * @param serviceAccountTokens how ServiceAccount tokens are issued and accepted
 */
@ConfigurationProperties("stevedore.gateway")
public record GatewayProperties(@DefaultValue("http://127.0.0.1:8080") List<URI> upstreams, Path stateDir,
		@DefaultValue("5s") Duration healthCheckInterval, @DefaultValue Tls tls, String tokenAuthFile,
		@DefaultValue Rbac rbac, @DefaultValue Audit audit, @DefaultValue Admission admission,
		@DefaultValue ServiceAccountTokens serviceAccountTokens) {

	public GatewayProperties {
		if (upstreams == null || upstreams.isEmpty()) {
			throw new IllegalArgumentException("stevedore.gateway.upstreams must list at least one apiserver URL");
		}
		for (URI upstream : upstreams) {
			if (!"http".equals(upstream.getScheme()) && !"https".equals(upstream.getScheme())
					|| upstream.getHost() == null) {
				throw new IllegalArgumentException("stevedore.gateway.upstreams: \"" + upstream
						+ "\" is not an http:// or https:// URL with a host");
			}
		}
		if (stateDir == null) {
			throw new IllegalArgumentException("stevedore.gateway.state-dir must be set");
		}
	}

	/**
	 * @param enabled serve HTTPS with the cluster's serving certificate (plain HTTP only
	 * for tests of the Actuator endpoints)
	 * @param subjectAlternativeNames DNS names and IP addresses of the serving
	 * certificate
	 * @param server the address clients (and the admin kubeconfig) use
	 * @param clientIdentities client certificates to keep in {@code identities/} of the
	 * state directory, each {@code NAME=USER[/GROUP...]}: the identities of the cluster's
	 * own components where no script issues them (docker-compose), see
	 * {@link io.stevedore.gateway.pki.ClientIdentities}
	 * @param http2 offer HTTP/2 (ALPN {@code h2}) next to HTTP/1.1, as kube-apiserver
	 * does: kubectl, Helm and client-go then send every request of a process over one
	 * connection instead of opening (and handshaking) one per concurrent request
	 */
	public record Tls(@DefaultValue("true") boolean enabled, @DefaultValue( {
			"127.0.0.1", "localhost" }) List<String> subjectAlternativeNames,
			@DefaultValue("https://127.0.0.1:6443") String server, @DefaultValue({}) List<String> clientIdentities,
			@DefaultValue("true") boolean http2){
	}

	/**
	 * @param bootstrap create the default ClusterRoles and ClusterRoleBindings at start
	 * when they are missing, as kube-apiserver's RBAC post-start hook does
	 */
	public record Rbac(@DefaultValue("true") boolean bootstrap) {
	}

	/**
	 * @param path the JSON-lines audit log; none when empty
	 * @param level the level of every request in the default policy (health and version
	 * probes are never logged): None, Metadata, Request or RequestResponse. Ignored with
	 * a policy file
	 * @param policyFile an {@code audit.k8s.io/v1} Policy, kube-apiserver's
	 * {@code --audit-policy-file}; the default policy when empty
	 */
	public record Audit(Path path, @DefaultValue("Metadata") String level, Path policyFile) {
	}

	/**
	 * @param address where the admission endpoint listens: loopback, as the apiservers do
	 * @param port its plain-HTTP port; -1 (the default) serves none, 0 picks a free one
	 */
	public record Admission(@DefaultValue("127.0.0.1") String address, @DefaultValue("-1") int port) {
	}

	/**
	 * @param issuer the {@code iss} of the tokens issued and the only one accepted
	 * (kube-apiserver's {@code --service-account-issuer})
	 * @param apiAudiences a token must name one of these (kube-apiserver's
	 * {@code --api-audiences}); the issuer when empty. Also the audiences of a
	 * TokenRequest that names none.
	 * @param cacheTtl how long the authenticator trusts what it read of a token's
	 * ServiceAccount, pod or secret, and a token it accepted: a deleted object's tokens
	 * work at most twice this long
	 */
	public record ServiceAccountTokens(@DefaultValue("https://kubernetes.default.svc.cluster.local") String issuer,
			List<String> apiAudiences, @DefaultValue("5s") Duration cacheTtl) {

		public ServiceAccountTokens {
			if (issuer == null || issuer.isBlank() || !issuer.contains(":")) {
				throw new IllegalArgumentException(
						"stevedore.gateway.service-account-tokens.issuer must be a URL or contain a colon (Kubernetes' "
								+ "rule for --service-account-issuer), got \"" + issuer + "\"");
			}
			apiAudiences = apiAudiences == null || apiAudiences.isEmpty() ? List.of(issuer) : List.copyOf(apiAudiences);
		}

	}

}
