package io.stevedore.gateway.fastpath;

import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.stevedore.gateway.authn.AuthenticationFilter;
import io.stevedore.gateway.routing.LongRunningRequests;
import io.stevedore.gateway.routing.RoutingConfiguration;

/**
 * Which requests the fast path may take, on the request head alone: short reads (GET,
 * HEAD) without a body of API paths, over HTTP/1.1 or h2. Everything else — upgrades
 * (WebSocket, SPDY), watches and streams, impersonation, dot segments (the reactive path
 * answers 400), HTTP/1.0, {@code Expect}, bodies, writes — keeps today's path.
 */
final class Eligibility {

	private Eligibility() {
	}

	/** The parsed target of an eligible request; null when it is not eligible. */
	static QueryStringDecoder target(HttpRequest request) {
		if (!request.decoderResult().isSuccess() || !request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
			return null;
		}
		HttpMethod method = request.method();
		if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
			return null;
		}
		String uri = request.uri();
		if (uri.isEmpty() || uri.charAt(0) != '/') {
			return null;
		}
		boolean upgrade = false;
		for (Map.Entry<String, String> header : request.headers()) {
			String name = header.getKey();
			if (name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("connection")
					&& header.getValue().toLowerCase(java.util.Locale.ROOT).contains("upgrade")) {
				upgrade = true;
			}
			else if (name.regionMatches(true, 0, "impersonate-", 0, 12) || name.equalsIgnoreCase("expect")
					|| name.equalsIgnoreCase("transfer-encoding")
					|| name.equalsIgnoreCase("content-length") && !header.getValue().trim().equals("0")) {
				return null;
			}
		}
		QueryStringDecoder target = new QueryStringDecoder(uri);
		String path = target.rawPath();
		if (upgrade || !RoutingConfiguration.isApiPath(path) || AuthenticationFilter.hasDotSegment(path)) {
			return null;
		}
		List<String> watch = target.parameters().get("watch");
		if (LongRunningRequests.isLongRunning(path, watch == null ? null : watch.get(0), false)) {
			return null;
		}
		return target;
	}

}
