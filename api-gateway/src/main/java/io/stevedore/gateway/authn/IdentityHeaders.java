package io.stevedore.gateway.authn;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.netty.util.AsciiString;

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
			forEach(user, headers::add);
		}).build();
	}

	/**
	 * The headers that speak for {@code user}, one name and value at a time (a header per
	 * group and per extra value), for any HTTP stack.
	 */
	public static void forEach(UserInfo user, BiConsumer<String, String> header) {
		header.accept(USER, user.name());
		if (!user.uid().isEmpty()) {
			header.accept(UID, user.uid());
		}
		for (String group : user.groups()) {
			header.accept(GROUP, group);
		}
		for (Map.Entry<String, List<String>> extra : user.extra().entrySet()) {
			String name = EXTRA_PREFIX + escapeKey(extra.getKey());
			for (String value : extra.getValue()) {
				header.accept(name, value);
			}
		}
	}

	/**
	 * Whether a client-sent header is removed before the request goes on: identity and
	 * impersonation headers and the credentials.
	 */
	public static boolean isStripped(CharSequence name) {
		return AsciiString.regionMatches(name, true, 0, "x-remote-", 0, 9)
				|| AsciiString.regionMatches(name, true, 0, "impersonate-", 0, 12)
				|| AsciiString.contentEqualsIgnoreCase(name, HttpHeaders.AUTHORIZATION);
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
		List<String> names = headers.headerNames().stream().filter(IdentityHeaders::isStripped).toList();
		names.forEach(headers::remove);
	}

}
