package io.stevedore.gateway.routing;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.stevedore.gateway.config.GatewayProperties;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * The routes to the apiservers. Two routes over the same paths: long-running requests
 * (watches, logs, exec ...) pass straight through; every other request may be retried
 * when it is a read, on a connection failure or a 502/503/504 — never a write, which may
 * have been applied before the failure.
 */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

	/** Everything kube-apiserver serves that clients use. */
	static final String[] API_PATHS = { "/api", "/api/**", "/apis", "/apis/**", "/version", "/version/**",
			"/openapi/**", "/healthz", "/healthz/**", "/livez", "/livez/**", "/readyz", "/readyz/**" };

	/** The first segments of {@link #API_PATHS}: each alone or with anything below it. */
	private static final String[] API_ROOTS = { "/api", "/apis", "/version", "/openapi", "/healthz", "/livez",
			"/readyz" };

	/** Whether a (raw) path is one the routes serve, as {@link #API_PATHS} match it. */
	public static boolean isApiPath(String path) {
		for (String root : API_ROOTS) {
			if (path.startsWith(root) && (path.length() == root.length() || path.charAt(root.length()) == '/')) {
				return true;
			}
		}
		return false;
	}

	private static final String UPSTREAM = UpstreamSelectionFilter.SCHEME + "://apiserver";

	@Bean
	UpstreamPool upstreamPool(GatewayProperties properties) {
		return new UpstreamPool(properties.upstreams(), UpstreamPool.defaultBreakers());
	}

	@Bean
	UpstreamHealthChecker upstreamHealthChecker(UpstreamPool pool, GatewayProperties properties) {
		return new UpstreamHealthChecker(pool, properties.healthCheckInterval());
	}

	@Bean
	UpstreamSelectionFilter upstreamSelectionFilter(UpstreamPool pool) {
		return new UpstreamSelectionFilter(pool);
	}

	@Bean
	WatchUpgradeFilter watchUpgradeFilter() {
		return new WatchUpgradeFilter();
	}

	@Bean
	WatchHeadersFilter watchHeadersFilter() {
		return new WatchHeadersFilter();
	}

	@Bean
	StreamProxyFilter streamProxyFilter(ObjectProvider<HttpClient> gatewayHttpClient,
			ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
		// The gateway's own clients (its timeouts and TLS settings) and header filters,
		// as
		// its routing uses.
		return new StreamProxyFilter(gatewayHttpClient.getIfAvailable(HttpClient::create),
				headersFilters.getIfAvailable(List::of));
	}

	@Bean
	@SuppressWarnings("unchecked")
	RouteLocator apiServerRoutes(RouteLocatorBuilder builder) {
		return builder.routes()
			.route("apiserver-long-running",
					(route) -> route.order(0)
						.path(API_PATHS)
						.and()
						.predicate((exchange) -> LongRunningRequests.isLongRunning(exchange.getRequest()))
						.uri(UPSTREAM))
			.route("apiserver", (route) -> route.order(1)
				.path(API_PATHS)
				.filters((filters) -> filters.retry((retry) -> retry.setRetries(2)
					.setMethods(HttpMethod.GET, HttpMethod.HEAD)
					.setSeries()
					.setStatuses(HttpStatus.BAD_GATEWAY, HttpStatus.SERVICE_UNAVAILABLE, HttpStatus.GATEWAY_TIMEOUT)
					.setExceptions(IOException.class, TimeoutException.class)))
				.uri(UPSTREAM))
			.build();
	}

}
