package io.stevedore.proxy.ingress.route;

import java.util.Locale;
import java.util.Map;

/**
 * Every served Ingress merged into one immutable lookup structure, replaced as a whole on
 * each change (readers never lock). A request's host picks one set of paths: its exact
 * host, else a wildcard {@code *.suffix} matching exactly one more label, else the rules
 * without host; within the set the most specific path wins; nothing matched goes to the
 * default backend, else 404 (ingress-nginx's behaviour: a host's requests do not fall
 * through to another host's paths).
 */
public final class RouteTable {

	public static final RouteTable EMPTY = new RouteTable(Map.of(), Map.of(), null, null, Map.of(), java.util.Set.of());

	private final Map<String, HostRoutes> exact;

	private final Map<String, HostRoutes> wildcard;

	private final HostRoutes anyHost;

	private final Upstream defaultBackend;

	private final Map<String, String> certificates;

	private final java.util.Set<String> httpsOnly;

	/**
	 * @param exact routes by lower-case host
	 * @param wildcard routes of {@code *.suffix} hosts by {@code suffix}
	 * @param anyHost the rules without host, or null
	 * @param defaultBackend the oldest served Ingress's {@code defaultBackend}, or null
	 * @param certificates TLS Secret ({@code namespace/name}) by host ({@code *.suffix}
	 * for wildcards)
	 * @param httpsOnly hosts ({@code *.suffix} for wildcards) whose plain HTTP requests
	 * are redirected to HTTPS
	 */
	RouteTable(Map<String, HostRoutes> exact, Map<String, HostRoutes> wildcard, HostRoutes anyHost,
			Upstream defaultBackend, Map<String, String> certificates, java.util.Set<String> httpsOnly) {
		this.exact = Map.copyOf(exact);
		this.wildcard = Map.copyOf(wildcard);
		this.anyHost = anyHost;
		this.defaultBackend = defaultBackend;
		this.certificates = Map.copyOf(certificates);
		this.httpsOnly = java.util.Set.copyOf(httpsOnly);
	}

	/**
	 * The upstream of a request, or null for 404.
	 * @param host the Host header (a port, a trailing dot and case are ignored)
	 * @param path the request path without query string
	 */
	public Upstream route(String host, String path) {
		HostRoutes routes = hostRoutes(normalizeHost(host));
		if (routes != null) {
			return routes.match(path);
		}
		return this.defaultBackend;
	}

	private HostRoutes hostRoutes(String host) {
		if (host != null) {
			HostRoutes routes = this.exact.get(host);
			if (routes != null) {
				return routes;
			}
			int dot = host.indexOf('.');
			if (dot > 0) {
				routes = this.wildcard.get(host.substring(dot + 1));
				if (routes != null) {
					return routes;
				}
			}
		}
		return this.anyHost;
	}

	/**
	 * The TLS Secret ({@code namespace/name}) for an SNI name, exact host before
	 * wildcard; null when none (the default certificate is used).
	 */
	public String certificate(String serverName) {
		String host = normalizeHost(serverName);
		if (host == null) {
			return null;
		}
		String secret = this.certificates.get(host);
		int dot = host.indexOf('.');
		if (secret == null && dot > 0) {
			secret = this.certificates.get("*" + host.substring(dot));
		}
		return secret;
	}

	/**
	 * Whether a plain HTTP request for {@code host} must be redirected to HTTPS: the host
	 * is in an Ingress's {@code spec.tls} (ingress-nginx's default {@code ssl-redirect}),
	 * unless that Ingress says {@code ssl-redirect: "false"}.
	 */
	public boolean httpsOnly(String host) {
		String h = normalizeHost(host);
		if (h == null || this.httpsOnly.isEmpty()) {
			return false;
		}
		int dot = h.indexOf('.');
		return this.httpsOnly.contains(h) || (dot > 0 && this.httpsOnly.contains("*" + h.substring(dot)));
	}

	/** Every upstream some route leads to. */
	public java.util.Collection<Upstream> upstreams() {
		java.util.Set<Upstream> all = new java.util.HashSet<>();
		java.util.stream.Stream
			.of(this.exact.values().stream(), this.wildcard.values().stream(),
					java.util.stream.Stream.ofNullable(this.anyHost))
			.flatMap(s -> s)
			.forEach(routes -> {
				routes.rules().forEach(rule -> all.add(rule.upstream()));
				if (routes.fallback() != null) {
					all.add(routes.fallback());
				}
			});
		if (this.defaultBackend != null) {
			all.add(this.defaultBackend);
		}
		return all;
	}

	public Map<String, String> certificates() {
		return this.certificates;
	}

	public Upstream defaultBackend() {
		return this.defaultBackend;
	}

	/** Lower case, without port or trailing dot; null for a missing or empty host. */
	public static String normalizeHost(String host) {
		if (host == null || host.isEmpty()) {
			return null;
		}
		String h = host;
		if (h.startsWith("[")) {
			int end = h.indexOf(']');
			h = (end > 0) ? h.substring(0, end + 1) : h;
		}
		else {
			int colon = h.indexOf(':');
			if (colon >= 0) {
				h = h.substring(0, colon);
			}
		}
		if (h.endsWith(".")) {
			h = h.substring(0, h.length() - 1);
		}
		return h.isEmpty() ? null : h.toLowerCase(Locale.ROOT);
	}

}
