package io.stevedore.gateway.tls;

import java.security.cert.X509Certificate;
import java.time.Clock;

import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.stevedore.gateway.config.GatewayProperties;
import io.stevedore.gateway.pki.ClientIdentities;
import io.stevedore.gateway.pki.ClusterPki;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HTTPS with the cluster's serving certificate. The handshake asks for a client
 * certificate but accepts any: like kube-apiserver, the gateway verifies it against the
 * cluster CA in the X.509 authenticator, so a certificate from another CA gets a 401
 * Status a client can read, not a broken handshake, and the refusal is audited.
 */
@Configuration(proxyBeanMethods = false)
public class TlsConfiguration {

	@Bean
	ClusterPki clusterPki(GatewayProperties properties) {
		ClusterPki pki = ClusterPki.loadOrCreate(properties.stateDir(), properties.tls().subjectAlternativeNames(),
				properties.tls().server(), Clock.systemUTC());
		ClientIdentities.parse(properties.tls().clientIdentities())
			.keep(pki.directory().resolve("identities"), pki.authority(), properties.tls().server());
		return pki;
	}

	@Bean
	NettyServerCustomizer tlsServerCustomizer(GatewayProperties properties, ClusterPki pki) throws SSLException {
		if (!properties.tls().enabled()) {
			return (server) -> server;
		}
		SslContext context = SslContextBuilder.forServer(pki.servingKey(), pki.servingCertificate())
			.trustManager(new RequestAnyClientCertificate())
			.clientAuth(ClientAuth.OPTIONAL)
			.build();
		return (server) -> server.secure((spec) -> spec.sslContext(context));
	}

	/**
	 * Lets every client certificate through the handshake; the X.509 authenticator
	 * decides. Server certificates are never checked with it.
	 */
	static final class RequestAnyClientCertificate implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
			// verified by the X.509 authenticator against the cluster CA
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
			throw new UnsupportedOperationException("the gateway's TLS server never checks server certificates");
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
