package io.stevedore.client.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a control-plane service reaches the apiserver ({@code stevedore.apiserver.*}, or
 * the environment, e.g. {@code STEVEDORE_APISERVER_URL}). Plain HTTP to a local apiserver
 * for now; the credential fields are where the gateway's TLS and identities plug in (a
 * bearer token, or a client certificate, and the CA that signed the server).
 *
 * @param url the apiserver's base URL
 * @param token a bearer token; wins over {@code tokenFile}
 * @param tokenFile a file holding a bearer token (a ServiceAccount token, for example)
 * @param caCertFile PEM bundle trusted for the server's certificate
 * @param clientCertFile PEM client certificate, with {@code clientKeyFile}
 * @param clientKeyFile PEM private key of the client certificate
 * @param requestTimeout timeout of one request (not of a watch)
 * @param watchReconnectInterval first delay before an informer re-watches after a drop
 */
@ConfigurationProperties("stevedore.apiserver")
public record ApiServerClientProperties(@DefaultValue("http://127.0.0.1:8080") String url, String token,
		String tokenFile, String caCertFile, String clientCertFile, String clientKeyFile,
		@DefaultValue("30s") Duration requestTimeout, @DefaultValue("1s") Duration watchReconnectInterval) {

	/** The defaults with another URL: what tests and tools usually need. */
	public static ApiServerClientProperties forUrl(String url) {
		return new ApiServerClientProperties(url, null, null, null, null, null, Duration.ofSeconds(30),
				Duration.ofSeconds(1));
	}

}
