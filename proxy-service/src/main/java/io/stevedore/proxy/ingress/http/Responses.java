package io.stevedore.proxy.ingress.http;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** The proxy's own short answers: 400, 404, 502, 503, 504. */
final class Responses {

	private Responses() {
	}

	/**
	 * 308: the same method and body, to {@code location} (ingress-nginx's ssl-redirect).
	 */
	static FullHttpResponse redirect(String location, boolean keepAlive, boolean head) {
		FullHttpResponse response = of(HttpResponseStatus.PERMANENT_REDIRECT, keepAlive, head);
		response.headers().set(HttpHeaderNames.LOCATION, location);
		return response;
	}

	static FullHttpResponse of(HttpResponseStatus status, boolean keepAlive, boolean head) {
		byte[] body = (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
		response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
		HttpUtil.setContentLength(response, body.length);
		HttpUtil.setKeepAlive(response, keepAlive);
		return response;
	}

}
