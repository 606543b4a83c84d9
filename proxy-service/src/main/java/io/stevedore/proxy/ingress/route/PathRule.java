package io.stevedore.proxy.ingress.route;

/**
 * One path of an Ingress rule. {@code Exact} matches the request path exactly (case
 * sensitive); {@code Prefix} matches element by element of the {@code /}-split path
 * ({@code /foo} matches {@code /foo} and {@code /foo/bar}, not {@code /foobar}; a
 * trailing slash of the rule is ignored); {@code ImplementationSpecific} is treated as
 * {@code Prefix}.
 *
 * @param path the rule's path, a trailing slash removed (except for {@code /})
 * @param exact true for {@code Exact}
 * @param upstream where matching requests go
 */
public record PathRule(String path, boolean exact, Upstream upstream) {

	static PathRule of(String path, String pathType, Upstream upstream) {
		String p = (path == null || path.isEmpty()) ? "/" : path;
		boolean exact = "Exact".equals(pathType);
		if (!exact && p.length() > 1 && p.endsWith("/")) {
			p = p.substring(0, p.length() - 1);
		}
		return new PathRule(p, exact, upstream);
	}

	/** Whether {@code requestPath} (no query string) matches. */
	public boolean matches(String requestPath) {
		if (this.exact) {
			return this.path.equals(requestPath);
		}
		if (this.path.equals("/")) {
			return true;
		}
		return requestPath.startsWith(this.path)
				&& (requestPath.length() == this.path.length() || requestPath.charAt(this.path.length()) == '/');
	}

}
