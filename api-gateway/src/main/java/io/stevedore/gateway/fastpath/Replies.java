package io.stevedore.gateway.fastpath;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.Status;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.stevedore.gateway.limits.RequestLimitFilter;
import io.stevedore.gateway.status.StatusResponses;

/**
 * The gateway's own answers on the fast path: a Status, as the reactive path writes it.
 */
final class Replies {

	static final String AUDIT_ID = "Audit-Id";

	private Replies() {
	}

	/**
	 * @param head a HEAD request's answer: the headers only (an h2 stream would send the
	 * body otherwise)
	 */
	static FullHttpResponse status(Status status, String auditId, boolean retryAfter, boolean head) {
		byte[] json;
		try {
			json = StatusResponses.JSON.writeValueAsBytes(status);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("a Status always serialises", ex);
		}
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.valueOf(status.getCode()),
				head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(json));
		response.headers()
			.set(AUDIT_ID, auditId)
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.set(HttpHeaderNames.CONTENT_LENGTH, json.length);
		if (retryAfter) {
			response.headers().set(RequestLimitFilter.RETRY_AFTER, "1");
		}
		return response;
	}

}
