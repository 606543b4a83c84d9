package io.stevedore.proxy.ingress;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Ingress controller's settings ({@code stevedore.proxy.ingress.*}).
 *
 * @param enabled run the Ingress (off by default: it takes ports 80 and 443)
 * @param bindAddress where both ports listen
 * @param httpPort plain HTTP port; 0 = any free port, -1 = none
 * @param httpsPort HTTPS port; 0 = any free port, -1 = none
 * @param className the IngressClass created at start when missing
 * @param defaultClass whether that class is created as the cluster's default (then
 * Ingresses without a class are served)
 * @param statusAddresses the addresses written to {@code status.loadBalancer}; empty =
 * every Node's InternalIP and ExternalIP
 * @param connectTimeout for a backend connection
 * @param readTimeout most time without a byte from a backend while waiting for it
 * @param retries other endpoints tried after a failed connection
 * @param maxIdlePerEndpoint pooled keep-alive connections per endpoint and thread
 * @param threads event loop threads; 0 = one per core
 * @param breakerFailureRate percentage of failures that opens an endpoint's breaker
 * @param breakerWindow calls an endpoint's breaker looks at
 * @param breakerOpenDuration how long an open breaker keeps an endpoint out
 * @param syncMinInterval least time between two rebuilds of the routes
 * @param syncPeriod a full resync (status, events) even without changes
 */
@ConfigurationProperties("stevedore.proxy.ingress")
public record IngressProperties(@DefaultValue("false") boolean enabled, @DefaultValue("0.0.0.0") String bindAddress,
		@DefaultValue("80") int httpPort, @DefaultValue("443") int httpsPort,
		@DefaultValue("stevedore") String className, @DefaultValue("true") boolean defaultClass,
		@DefaultValue List<String> statusAddresses, @DefaultValue("5s") Duration connectTimeout,
		@DefaultValue("60s") Duration readTimeout, @DefaultValue("2") int retries,
		@DefaultValue("64") int maxIdlePerEndpoint, @DefaultValue("0") int threads,
		@DefaultValue("50") float breakerFailureRate, @DefaultValue("20") int breakerWindow,
		@DefaultValue("10s") Duration breakerOpenDuration, @DefaultValue("100ms") Duration syncMinInterval,
		@DefaultValue("30s") Duration syncPeriod) {

	/** The controller name of our IngressClass. */
	public static final String CONTROLLER = "stevedore.io/ingress";

	/** Fails with the setting's name when a value cannot work. */
	public void validate() {
		check(this.httpPort >= -1 && this.httpPort <= 65535, "http-port must be -1..65535, got " + this.httpPort);
		check(this.httpsPort >= -1 && this.httpsPort <= 65535, "https-port must be -1..65535, got " + this.httpsPort);
		check(this.retries >= 0, "retries must be >= 0, got " + this.retries);
		check(this.maxIdlePerEndpoint >= 0, "max-idle-per-endpoint must be >= 0, got " + this.maxIdlePerEndpoint);
		check(this.threads >= 0, "threads must be >= 0, got " + this.threads);
		check(this.breakerFailureRate > 0 && this.breakerFailureRate <= 100,
				"breaker-failure-rate must be in (0, 100], got " + this.breakerFailureRate);
		check(this.breakerWindow >= 1, "breaker-window must be >= 1, got " + this.breakerWindow);
		check(!this.connectTimeout.isNegative() && !this.connectTimeout.isZero(),
				"connect-timeout must be positive, got " + this.connectTimeout);
		check(!this.readTimeout.isNegative() && !this.readTimeout.isZero(),
				"read-timeout must be positive, got " + this.readTimeout);
		check(io.netty.util.NetUtil.isValidIpV4Address(this.bindAddress)
				|| io.netty.util.NetUtil.isValidIpV6Address(this.bindAddress),
				"bind-address must be an IP address, got \"" + this.bindAddress + "\"");
		check(this.className != null && this.className.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"),
				"class-name must be a DNS subdomain, got \"" + this.className + "\"");
	}

	private static void check(boolean ok, String message) {
		if (!ok) {
			throw new IllegalArgumentException("stevedore.proxy.ingress." + message);
		}
	}

}
