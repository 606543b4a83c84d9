package io.stevedore.gateway.tls;

import java.security.cert.X509Certificate;
import java.time.Clock;

import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.stevedore.gateway.config.GatewayProperties;
import io.stevedore.gateway.pki.ClientIdentities;
import io.stevedore.gateway.pki.ClusterPki;

import reactor.netty.http.HttpProtocol;

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

	static final int MAX_STREAMS_PER_CONNECTION = 1000;

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
		SslContext context = serverContext(pki, properties.tls().http2(), TlsProvider.chosen());
		if (!properties.tls().http2()) {
			return (server) -> server.secure((spec) -> spec.sslContext(context));
		}
		return (server) -> server.protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
			.secure((spec) -> spec.sslContext(context))
			// kube-apiserver's --http2-max-streams-per-connection default: a client's
			// watches and requests share its one connection
			.http2Settings((settings) -> settings.maxConcurrentStreams(MAX_STREAMS_PER_CONNECTION));
	}

	/**
	 * The server's TLS context. Reactor Netty takes it as it is (Spring Boot's own SSL
	 * set-up, {@code server.ssl}, is not used), so {@code provider} is the implementation
	 * that serves.
	 */
	static SslContext serverContext(ClusterPki pki, boolean http2, SslProvider provider) throws SSLException {
		SslContextBuilder builder = SslContextBuilder.forServer(pki.servingKey(), pki.servingCertificate())
			.sslProvider(provider)
			.trustManager(new RequestAnyClientCertificate())
			.clientAuth(ClientAuth.OPTIONAL);
		if (http2) {
			// ALPN: h2 for the clients that offer it (kubectl, Helm, client-go), HTTP/1.1
			// for the rest and for every upgrade (WebSocket and SPDY clients offer only
			// http/1.1, or no ALPN at all, which falls back to HTTP/1.1 too).
			builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
					ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
					ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2,
					ApplicationProtocolNames.HTTP_1_1));
		}
		return builder.build();
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
