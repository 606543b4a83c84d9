package io.stevedore.gateway.fastpath;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.stevedore.gateway.audit.AuditLog;
import io.stevedore.gateway.audit.AuditPolicy;
import io.stevedore.gateway.authn.RequestAuthenticator;
import io.stevedore.gateway.authz.RbacAuthorizer;
import io.stevedore.gateway.limits.RequestLimitFilter;
import io.stevedore.gateway.routing.UpstreamPool;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The fast path for plain short reads ({@code stevedore.gateway.fast-path.enabled},
 * default true): a Netty handler in each connection's (and each h2 stream's) pipeline in
 * front of Reactor Netty's, see {@link FastPathHandler}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "stevedore.gateway.fast-path.enabled", matchIfMissing = true)
public class FastPathConfiguration {

	/** The gateway HttpClient's settings, which the fast path's upstream client keeps. */
	static final String CONNECT_TIMEOUT = "spring.cloud.gateway.server.webflux.httpclient.connect-timeout";

	static final String RESPONSE_TIMEOUT = "spring.cloud.gateway.server.webflux.httpclient.response-timeout";

	@Bean
	FastPath fastPath(RequestAuthenticator authenticator, RequestLimitFilter limits, RbacAuthorizer authorizer,
			AuditLog auditLog, AuditPolicy auditPolicy, UpstreamPool pool, Environment environment,
			ObjectProvider<MeterRegistry> registry) {
		int connectMillis = environment.getProperty(CONNECT_TIMEOUT, Integer.class, 45_000);
		Duration responseTimeout = environment.getProperty(RESPONSE_TIMEOUT, Duration.class, Duration.ZERO);
		return new FastPath(authenticator, limits, authorizer, auditLog, auditPolicy, Clock.systemUTC(), pool,
				new UpstreamChannels(UpstreamChannels.sockets(connectMillis), UpstreamChannels.MAX_CONNECTIONS),
				responseTimeout, registry.getIfAvailable());
	}

	@Bean
	NettyServerCustomizer fastPathServerCustomizer(FastPath fastPath) {
		return (server) -> server
			.doOnChannelInit((observer, channel, remoteAddress) -> PipelineHooks.install(channel, fastPath));
	}

}
