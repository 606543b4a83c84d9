package io.stevedore.gateway.serviceaccount;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.stevedore.gateway.pki.ServiceAccountKeys;
import io.stevedore.gateway.status.StatusResponses;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The issuer's OpenID Connect discovery documents, as kube-apiserver serves them, so that
 * others (a cloud's workload identity, Vault) can verify the cluster's ServiceAccount
 * tokens: {@code /.well-known/openid-configuration} and the public keys at
 * {@code /openid/v1/jwks}. Readable by ServiceAccounts through the
 * {@code system:service-account-issuer-discovery} role.
 */
public final class IssuerDiscovery {

	public static final String CONFIGURATION_PATH = "/.well-known/openid-configuration";

	public static final String JWKS_PATH = "/openid/v1/jwks";

	private final byte[] configuration;

	private final byte[] jwks;

	/**
	 * @param externalAddress the gateway's address, where the JWKS is served
	 */
	public IssuerDiscovery(ServiceAccountKeys keys, String issuer, String externalAddress) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("issuer", issuer);
		document.put("jwks_uri", stripSlash(externalAddress) + JWKS_PATH);
		document.put("response_types_supported", List.of("id_token"));
		document.put("subject_types_supported", List.of("public"));
		document.put("id_token_signing_alg_values_supported", List.of(JWSAlgorithm.RS256.getName()));
		RSAKey key = new RSAKey.Builder(keys.publicKey()).keyUse(KeyUse.SIGNATURE)
			.algorithm(JWSAlgorithm.RS256)
			.keyID(keys.keyId())
			.build();
		try {
			this.configuration = StatusResponses.JSON.writeValueAsBytes(document);
			// Public parts only: toJSONObject(true) leaves private members out.
			this.jwks = StatusResponses.JSON.writeValueAsBytes(new JWKSet(key).toJSONObject(true));
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public Mono<ServerResponse> configuration(ServerRequest request) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.configuration);
	}

	public Mono<ServerResponse> jwks(ServerRequest request) {
		return ServerResponse.ok()
			.contentType(MediaType.parseMediaType("application/jwk-set+json"))
			.bodyValue(this.jwks);
	}

	private static String stripSlash(String address) {
		return address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
	}

}
