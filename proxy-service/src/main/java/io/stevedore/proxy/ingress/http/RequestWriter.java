package io.stevedore.proxy.ingress.http;

import java.util.Iterator;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * A request as bytes for a backend: its head (as HTTP/1.1), then its body, in chunks
 * again if it came chunked. Netty's encoder does the same, but writes every header value
 * a character at a time; a String here is copied as its Latin-1 bytes (the decoder made
 * each byte one char).
 */
final class RequestWriter {

	private static final byte[] HTTP_1_1_CRLF = { ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n' };

	private static final byte[] LAST_CHUNK = { '0', '\r', '\n' };

	private static final byte[] CRLF = { '\r', '\n' };

	private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
		@Override
		protected byte[] initialValue() {
			return new byte[1024];
		}
	};

	private RequestWriter() {
	}

	private static final byte[] X_FORWARDED_HOST = (Headers.X_FORWARDED_HOST + ": ")
		.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	/**
	 * The request line and headers, X-Forwarded-Host ({@code host} unless null) and
	 * {@code forwarded} (the connection's other X-Forwarded-* lines) last, with the empty
	 * line that ends them.
	 */
	static ByteBuf head(ByteBufAllocator alloc, HttpRequest request, String host, byte[] forwarded) {
		ByteBuf buf = alloc.buffer(512);
		write(buf, request.method().asciiName());
		buf.writeByte(' ');
		write(buf, request.uri());
		buf.writeBytes(HTTP_1_1_CRLF);
		headers(buf, request.headers());
		if (host != null) {
			buf.writeBytes(X_FORWARDED_HOST);
			write(buf, host);
			buf.writeBytes(CRLF);
		}
		buf.writeBytes(forwarded);
		buf.writeBytes(CRLF);
		return buf;
	}

	private static void headers(ByteBuf buf, HttpHeaders headers) {
		Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
		while (entries.hasNext()) {
			Map.Entry<CharSequence, CharSequence> header = entries.next();
			write(buf, header.getKey());
			buf.writeByte(':').writeByte(' ');
			write(buf, header.getValue());
			buf.writeBytes(CRLF);
		}
	}

	/**
	 * A body part as it goes to the backend: the bytes themselves or, for a chunked
	 * request, a chunk (the last with the trailers). Takes over {@code content}.
	 */
	static ByteBuf body(ByteBufAllocator alloc, HttpContent content, boolean chunked) {
		ByteBuf data = content.content();
		if (!chunked) {
			return data;
		}
		int length = data.readableBytes();
		ByteBuf out = alloc.buffer(length + 32);
		if (length > 0) {
			out.writeBytes(Integer.toHexString(length).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
				.writeBytes(CRLF)
				.writeBytes(data)
				.writeBytes(CRLF);
		}
		data.release();
		if (content instanceof LastHttpContent last) {
			out.writeBytes(LAST_CHUNK);
			headers(out, last.trailingHeaders());
			out.writeBytes(CRLF);
		}
		return out.isReadable() ? out : releaseEmpty(out);
	}

	private static ByteBuf releaseEmpty(ByteBuf out) {
		out.release();
		return Unpooled.EMPTY_BUFFER;
	}

	@SuppressWarnings("deprecation")
	private static void write(ByteBuf buf, CharSequence text) {
		if (text instanceof AsciiString ascii) {
			buf.writeBytes(ascii.array(), ascii.arrayOffset(), ascii.length());
		}
		else if (text instanceof String string) {
			int length = string.length();
			byte[] scratch = SCRATCH.get();
			if (scratch.length < length) {
				scratch = new byte[Math.max(length, scratch.length * 2)];
				SCRATCH.set(scratch);
			}
			// Each char's low byte: the decoder made one char of each byte.
			string.getBytes(0, length, scratch, 0);
			buf.writeBytes(scratch, 0, length);
		}
		else {
			buf.writeCharSequence(text, java.nio.charset.StandardCharsets.ISO_8859_1);
		}
	}

}
