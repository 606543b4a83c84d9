package io.stevedore.gateway.authn;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The identity the apiserver receives, in the request-header scheme of kube-apiserver's
 * front proxy ({@code X-Remote-User}, {@code X-Remote-Uid}, one {@code X-Remote-Group}
 * per group, {@code X-Remote-Extra-<key>}). Whatever a client sent under those names, and
 * its credentials and impersonation headers, are removed first: only the gateway speaks
 * for a user.
 */
public final class IdentityHeaders {

	public static final String USER = "X-Remote-User";

	public static final String UID = "X-Remote-Uid";

	public static final String GROUP = "X-Remote-Group";

	public static final String EXTRA_PREFIX = "X-Remote-Extra-";

	private IdentityHeaders() {
	}

	public static ServerHttpRequest apply(ServerHttpRequest request, UserInfo user) {
		return request.mutate().headers((headers) -> {
			strip(headers);
			headers.set(USER, user.name());
			if (!user.uid().isEmpty()) {
				headers.set(UID, user.uid());
			}
			headers.put(GROUP, List.copyOf(user.groups()));
			for (Map.Entry<String, List<String>> extra : user.extra().entrySet()) {
				headers.put(EXTRA_PREFIX + escapeKey(extra.getKey()), List.copyOf(extra.getValue()));
			}
		}).build();
	}

	/**
	 * An extra key as a header name, as client-go writes it and kube-apiserver's
	 * request-header authenticator unescapes it: every byte that is not a legal header
	 * name character (or is '%') percent-encoded. Keys such as
	 * {@code authentication.kubernetes.io/pod-name} hold a '/', which no HTTP stack
	 * accepts in a header name.
	 */
	static String escapeKey(String key) {
		StringBuilder escaped = new StringBuilder();
		for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
			int c = b & 0xff;
			if (c < 128 && c != '%' && (Character.isLetterOrDigit(c) || "!#$&'*+-.^_`|~".indexOf(c) >= 0)) {
				escaped.append((char) c);
			}
			else {
				escaped.append('%').append(String.format("%02X", c));
			}
		}
		return escaped.toString();
	}

	static void strip(HttpHeaders headers) {
		List<String> names = headers.headerNames().stream().filter((name) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			return lower.startsWith("x-remote-") || lower.startsWith("impersonate-");
		}).toList();
		names.forEach(headers::remove);
		headers.remove(HttpHeaders.AUTHORIZATION);
	}

}
