package io.stevedore.proxy.ingress.http;

import io.netty.buffer.ByteBuf;

/**
 * A backend response's head as {@link ResponseParser} found it.
 *
 * @param status the status code
 * @param framing how its body ends: {@link #NONE}, {@link #LENGTH}, {@link #CHUNKED} or
 * {@link #CLOSE} (by the backend closing)
 * @param keepAlive whether the backend keeps the connection open after it
 * @param bytes the status line as HTTP/1.1 and the end-to-end header lines, each with its
 * CRLF, without the empty line that ends the head (for a 101: the whole head as it came)
 */
record ResponseHead(int status, int framing, boolean keepAlive, ByteBuf bytes) {

	static final int NONE = 0;

	static final int LENGTH = 1;

	static final int CHUNKED = 2;

	static final int CLOSE = 3;

}
