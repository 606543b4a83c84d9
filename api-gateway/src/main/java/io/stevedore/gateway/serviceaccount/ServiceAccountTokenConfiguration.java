package io.stevedore.gateway.serviceaccount;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.gateway.admission.AdmissionChain;
import io.stevedore.gateway.config.GatewayProperties;
import io.stevedore.gateway.pki.ClusterPki;
import io.stevedore.gateway.pki.ServiceAccountKeys;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * ServiceAccount tokens: the signing key next to the cluster CA, the TokenRequest API and
 * the issuer's discovery documents. The authenticator is registered with the others in
 * the security configuration.
 */
@Configuration(proxyBeanMethods = false)
public class ServiceAccountTokenConfiguration {

	@Bean
	ServiceAccountKeys serviceAccountKeys(ClusterPki pki) {
		return ServiceAccountKeys.loadOrCreate(pki.directory());
	}

	@Bean
	ServiceAccountTokens serviceAccountTokens(ServiceAccountKeys keys, GatewayProperties properties) {
		GatewayProperties.ServiceAccountTokens settings = properties.serviceAccountTokens();
		return new ServiceAccountTokens(keys, settings.issuer(), settings.apiAudiences(), Clock.systemUTC());
	}

	/** What the authenticator reads, briefly cached (see {@link CachedObjectLookup}). */
	@Bean
	CachedObjectLookup serviceAccountTokenObjects(KubernetesClient client, GatewayProperties properties) {
		return new CachedObjectLookup(new ApiServerObjectLookup(client), properties.serviceAccountTokens().cacheTtl());
	}

	@Bean
	RouterFunction<ServerResponse> serviceAccountTokenRoutes(ServiceAccountTokens tokens, ServiceAccountKeys keys,
			KubernetesClient client, GatewayProperties properties, AdmissionChain admission) {
		TokenRequestHandler tokenRequests = new TokenRequestHandler(tokens, new ApiServerObjectLookup(client),
				admission);
		IssuerDiscovery discovery = new IssuerDiscovery(keys, tokens.issuer(), properties.tls().server());
		return RouterFunctions.route(RequestPredicates.POST(TokenRequestHandler.PATH), tokenRequests::create)
			.andRoute(RequestPredicates.GET(IssuerDiscovery.CONFIGURATION_PATH), discovery::configuration)
			.andRoute(RequestPredicates.GET(IssuerDiscovery.JWKS_PATH), discovery::jwks);
	}

}
