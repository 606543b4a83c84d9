package io.stevedore.proxy.ingress.http;

import java.nio.charset.StandardCharsets;
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

	private static final List<AsciiString> FORWARDED = List.of(X_FORWARDED_FOR, X_REAL_IP, X_FORWARDED_HOST,
			X_FORWARDED_PORT, X_FORWARDED_PROTO);

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
	 * Removes what the client sent as X-Forwarded-* and X-Real-IP (it is not trusted):
	 * the backend gets {@link #forwardedLines} and the host instead (ingress-nginx's
	 * defaults), written after the request's headers by {@link RequestWriter}.
	 */
	static void removeForwarded(HttpHeaders headers) {
		for (AsciiString name : FORWARDED) {
			headers.remove(name);
		}
	}

	/**
	 * X-Forwarded-For, X-Real-IP, -Port and -Proto of a client connection as header
	 * lines: the same for each of its requests, so made once.
	 */
	static byte[] forwardedLines(String clientIp, int port, String scheme) {
		return (X_FORWARDED_FOR + ": " + clientIp + "\r\n" + X_REAL_IP + ": " + clientIp + "\r\n" + X_FORWARDED_PORT
				+ ": " + port + "\r\n" + X_FORWARDED_PROTO + ": " + scheme + "\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
	}

}
