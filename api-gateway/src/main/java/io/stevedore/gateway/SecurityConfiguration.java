package io.stevedore.gateway;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.gateway.audit.AuditFilter;
import io.stevedore.gateway.audit.AuditLevel;
import io.stevedore.gateway.audit.AuditLog;
import io.stevedore.gateway.audit.AuditPolicy;
import io.stevedore.gateway.audit.AuditPolicyFile;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.authn.BootstrapTokenAuthenticator;
import io.stevedore.gateway.authn.Authenticator;
import io.stevedore.gateway.authn.CachedTokenSecrets;
import io.stevedore.gateway.authn.RequestAuthenticator;
import io.stevedore.gateway.authn.ServiceAccountTokenAuthenticator;
import io.stevedore.gateway.authn.StaticTokenAuthenticator;
import io.stevedore.gateway.authn.WebSocketProtocolAuthenticator;
import io.stevedore.gateway.authn.X509Authenticator;
import io.stevedore.gateway.authz.AuthorizationFilter;
import io.stevedore.gateway.authz.NodeAuthorizer;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.config.GatewayProperties;
import io.stevedore.gateway.pki.ClusterPki;
import io.stevedore.gateway.rbac.InformerRbacLister;
import io.stevedore.gateway.rbac.RbacBootstrap;
import io.stevedore.gateway.rbac.RbacHealthIndicator;
import io.stevedore.gateway.review.ReviewHandlers;
import io.stevedore.gateway.review.TokenReviewHandler;
import io.stevedore.gateway.serviceaccount.CachedObjectLookup;
import io.stevedore.gateway.serviceaccount.ServiceAccountTokens;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Wires the request pipeline in front of the routes, in Kubernetes' order:
 *
 * <pre>
 * audit ─▶ authentication (x509, token file, ServiceAccount JWT, anonymous) ─▶ impersonation + RBAC ─▶ reviews | route
 * </pre>
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	/**
	 * The gateway's own client for its informers and the RBAC bootstrap: straight to the
	 * first apiserver replica, which trusts loopback callers.
	 */
	@Bean(destroyMethod = "close")
	KubernetesClient kubernetesClient(GatewayProperties properties) {
		return KubernetesClients.create(ApiServerClientProperties.forUrl(properties.upstreams().get(0).toString()));
	}

	@Bean
	InformerRbacLister rbacLister(KubernetesClient client) {
		return new InformerRbacLister(client);
	}

	@Bean
	@ConditionalOnProperty(name = "stevedore.gateway.rbac.bootstrap", matchIfMissing = true)
	RbacBootstrap rbacBootstrap(KubernetesClient client) {
		return new RbacBootstrap(client);
	}

	@Bean
	RbacHealthIndicator rbacHealthIndicator(ObjectProvider<RbacBootstrap> bootstrap, InformerRbacLister lister) {
		return new RbacHealthIndicator(() -> {
			RbacBootstrap made = bootstrap.getIfAvailable();
			return made == null || made.isDone();
		}, lister);
	}

	/**
	 * RBAC behind the Node authorizer, as {@code --authorization-mode=Node,RBAC}; the
	 * node's pods (and a PersistentVolume, or all of them for a Secret no pod names) are
	 * read live, when a node reads a Secret, ConfigMap, PVC or PV or asks for a
	 * ServiceAccount token.
	 */
	@Bean
	RbacAuthorizer rbacAuthorizer(InformerRbacLister lister, KubernetesClient client) {
		return new RbacAuthorizer(lister, new NodeAuthorizer((namespace,
				node) -> client.pods().inNamespace(namespace).withField("spec.nodeName", node).list().getItems(),
				(name) -> client.persistentVolumes().withName(name).get(),
				() -> client.persistentVolumes().list().getItems()));
	}

	@Bean
	RequestAuthenticator requestAuthenticator(ClusterPki pki, GatewayProperties properties,
			ServiceAccountTokens serviceAccountTokens, CachedObjectLookup serviceAccountTokenObjects,
			KubernetesClient client) {
		List<Authenticator> authenticators = new ArrayList<>();
		authenticators.add(new X509Authenticator(pki.authority()));
		if (properties.tokenAuthFile() != null && !properties.tokenAuthFile().isBlank()) {
			authenticators.add(StaticTokenAuthenticator.fromFile(Path.of(properties.tokenAuthFile())));
		}
		// Before ServiceAccount tokens, which refuse every bearer token they cannot read.
		authenticators.add(new BootstrapTokenAuthenticator(new CachedTokenSecrets((name) -> Mono
			.fromCallable(
					() -> client.secrets().inNamespace(BootstrapTokenAuthenticator.NAMESPACE).withName(name).get())
			.subscribeOn(Schedulers.boundedElastic()), CachedTokenSecrets.DEFAULT_TTL), Clock.systemUTC()));
		authenticators.add(new ServiceAccountTokenAuthenticator(serviceAccountTokens, serviceAccountTokenObjects,
				properties.serviceAccountTokens().cacheTtl()));
		// Last, as kube-apiserver's: the same tokens, carried as a WebSocket subprotocol.
		authenticators.add(new WebSocketProtocolAuthenticator(new RequestAuthenticator(authenticators).tokensOnly()));
		return new RequestAuthenticator(authenticators);
	}

	@Bean
	AuthenticationFilter authenticationFilter(RequestAuthenticator authenticator) {
		return new AuthenticationFilter(authenticator);
	}

	@Bean
	AuthorizationFilter authorizationFilter(RbacAuthorizer authorizer) {
		return new AuthorizationFilter(authorizer);
	}

	@Bean(destroyMethod = "close")
	AuditLog auditLog(GatewayProperties properties) {
		Path path = properties.audit().path() != null ? properties.audit().path()
				: properties.stateDir().resolveSibling("audit.log");
		return new AuditLog(path);
	}

	@Bean
	AuditPolicy auditPolicy(GatewayProperties properties) {
		Path policyFile = properties.audit().policyFile();
		return policyFile != null ? AuditPolicyFile.read(policyFile)
				: AuditPolicy.defaults(AuditLevel.parse(properties.audit().level()));
	}

	@Bean
	AuditFilter auditFilter(AuditLog log, AuditPolicy policy) {
		return new AuditFilter(log, policy, Clock.systemUTC());
	}

	@Bean
	RouterFunction<ServerResponse> reviewRoutes(RbacAuthorizer authorizer, RequestAuthenticator authenticator,
			ServiceAccountTokens serviceAccountTokens) {
		ReviewHandlers handlers = new ReviewHandlers(authorizer);
		TokenReviewHandler tokenReviews = new TokenReviewHandler(authenticator,
				serviceAccountTokens.acceptedAudiences());
		return RouterFunctions
			.route(RequestPredicates.POST(ReviewHandlers.SELF_SUBJECT_REVIEWS), handlers::selfSubjectReview)
			.andRoute(RequestPredicates.POST(ReviewHandlers.SELF_SUBJECT_ACCESS_REVIEWS),
					handlers::selfSubjectAccessReview)
			.andRoute(RequestPredicates.POST(ReviewHandlers.SUBJECT_ACCESS_REVIEWS), handlers::subjectAccessReview)
			.andRoute(RequestPredicates.POST(ReviewHandlers.SELF_SUBJECT_RULES_REVIEWS),
					handlers::selfSubjectRulesReview)
			.andRoute(RequestPredicates.POST(TokenReviewHandler.TOKEN_REVIEWS), tokenReviews::tokenReview);
	}

}
