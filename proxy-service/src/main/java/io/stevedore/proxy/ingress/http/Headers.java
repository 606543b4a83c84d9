package io.stevedore.proxy.ingress.http;

import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) stay on their hop; X-Forwarded-* tell the backend
 * the rest.
 */
final class Headers {

	static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

	static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

	static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");

	static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");

	static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");

	private static final List<AsciiString> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
			HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE);

	private Headers() {
	}

	/** Whether the request asks to switch protocols ({@code Connection: upgrade}). */
	static boolean isUpgrade(HttpHeaders headers) {
		return headers.contains(HttpHeaderNames.UPGRADE)
				&& headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE, true);
	}

	/**
	 * Removes the hop-by-hop headers and those the Connection header names; an upgrade
	 * keeps {@code Connection: Upgrade} and its {@code Upgrade}.
	 */
	static void stripHopByHop(HttpHeaders headers, boolean keepUpgrade) {
		String upgrade = keepUpgrade ? headers.get(HttpHeaderNames.UPGRADE) : null;
		if (headers.contains(HttpHeaderNames.CONNECTION)) {
			for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
				for (String token : value.split(",")) {
					String name = token.trim();
					if (!name.isEmpty()) {
						headers.remove(name);
					}
				}
			}
		}
		for (AsciiString name : HOP_BY_HOP) {
			headers.remove(name);
		}
		if (upgrade != null) {
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE);
			headers.set(HttpHeaderNames.UPGRADE, upgrade);
		}
	}

	/**
	 * ingress-nginx's defaults: the client address replaces any X-Forwarded-For the
	 * client sent (it is not trusted), host, port and scheme as the client reached us.
	 */
	static void forwarded(HttpHeaders headers, CharSequence clientIp, String host, CharSequence port,
			CharSequence scheme) {
		headers.set(X_FORWARDED_FOR, clientIp);
		headers.set(X_REAL_IP, clientIp);
		if (host != null) {
			headers.set(X_FORWARDED_HOST, host);
		}
		headers.set(X_FORWARDED_PORT, port);
		headers.set(X_FORWARDED_PROTO, scheme);
	}

}
