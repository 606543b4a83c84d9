package io.stevedore.proxy.ingress.http;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ByteProcessor;

/**
 * A backend's responses as bytes: finds where the head ends and where the body ends
 * (Content-Length, chunked, the connection's close, or none), and hands on a
 * {@link ResponseHead} with the header lines to forward as they came, the body as the
 * {@link ByteBuf}s read (chunked framing included: the client gets it as it is) and
 * {@link #END}. No header becomes an object: the Ingress only needs the framing and the
 * hop-by-hop headers, and the client gets the rest byte for byte (Netty's codec decoded
 * every header into strings and encoded them again, most of the proxy's own CPU per
 * request).
 *
 * <p>
 * Informational answers (1xx but 101) come as a head alone; a 101 comes with its head
 * unchanged, and all that follows is passed on raw (a tunnel).
 */
final class ResponseParser extends ChannelInboundHandlerAdapter {

	/** The end of a response body. */
	static final Object END = new Object() {
		@Override
		public String toString() {
			return "END";
		}
	};

	static final int MAX_HEAD = 32768;

	private static final byte[] HTTP_1_1 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);

	private static final int HEAD = 0;

	private static final int LENGTH = 1;

	private static final int CHUNKED = 2;

	private static final int CLOSE = 3;

	private static final int TUNNEL = 4;

	private int state = HEAD;

	/** Bytes of the body still to come (LENGTH) or of the current chunk (CHUNKED). */
	private long remaining;

	private final Chunks chunks = new Chunks();

	/** Part of a head read so far. */
	private ByteBuf partial;

	/** The request sent was HEAD: its response has no body whatever its headers say. */
	private boolean headRequest;

	/** A request is out: bytes are its response; otherwise they are an error. */
	private boolean expecting;

	/** Offsets of header lines, reused: start, end (before CRLF), kind. */
	private int[] lines = new int[48];

	/** Called before a request goes out on this connection. */
	void expect(boolean head) {
		this.headRequest = head;
		this.expecting = true;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof ByteBuf in)) {
			ctx.fireChannelRead(msg);
			return;
		}
		try {
			while (in.isReadable()) {
				if (this.state == HEAD) {
					if (!this.expecting) {
						// Nothing asked: the connection is broken (the handler closes
						// it).
						ctx.fireChannelRead(in.readRetainedSlice(in.readableBytes()));
						return;
					}
					if (!head(ctx, in)) {
						return;
					}
				}
				else if (this.state == TUNNEL || this.state == CLOSE) {
					ctx.fireChannelRead(in.readRetainedSlice(in.readableBytes()));
				}
				else if (this.state == LENGTH) {
					int n = (int) Math.min(this.remaining, in.readableBytes());
					this.remaining -= n;
					ctx.fireChannelRead(in.readRetainedSlice(n));
					if (this.remaining == 0) {
						end(ctx);
					}
				}
				else {
					int start = in.readerIndex();
					int stop = this.chunks.scan(in);
					ctx.fireChannelRead(in.retainedSlice(start, stop - start));
					in.readerIndex(stop);
					if (this.chunks.done()) {
						end(ctx);
					}
				}
			}
		}
		finally {
			in.release();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		if (this.state == CLOSE) {
			// The body that ends with the connection has ended.
			end(ctx);
		}
		release();
		ctx.fireChannelInactive();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		release();
	}

	private void release() {
		if (this.partial != null) {
			this.partial.release();
			this.partial = null;
		}
	}

	private void end(ChannelHandlerContext ctx) {
		this.state = HEAD;
		this.expecting = false;
		ctx.fireChannelRead(END);
	}

	/** Reads a head if it is all there; false when more bytes are needed. */
	private boolean head(ChannelHandlerContext ctx, ByteBuf in) {
		ByteBuf buf = in;
		if (this.partial != null) {
			this.partial.writeBytes(in);
			buf = this.partial;
		}
		int end = headEnd(buf);
		if (end < 0) {
			if (buf.readableBytes() > MAX_HEAD) {
				throw new DecoderException("response head larger than " + MAX_HEAD + " bytes");
			}
			if (this.partial == null) {
				this.partial = ctx.alloc().heapBuffer(Math.max(1024, in.readableBytes() * 2));
				this.partial.writeBytes(in);
			}
			return false;
		}
		ResponseHead head = parse(ctx, buf, buf.readerIndex(), end);
		buf.readerIndex(end);
		if (this.partial != null) {
			// The rest of what was read follows the head: give it back to the loop.
			ByteBuf rest = this.partial;
			this.partial = null;
			in.readerIndex(in.writerIndex());
			fire(ctx, head);
			if (rest.isReadable()) {
				channelRead(ctx, rest);
			}
			else {
				rest.release();
			}
			return false;
		}
		fire(ctx, head);
		return true;
	}

	private void fire(ChannelHandlerContext ctx, ResponseHead head) {
		ctx.fireChannelRead(head);
		if (head.framing() == ResponseHead.NONE && head.status() >= 200) {
			end(ctx);
		}
	}

	/** The index after the empty line ending the head, or -1. */
	private static int headEnd(ByteBuf buf) {
		int from = buf.readerIndex();
		int to = buf.writerIndex();
		int i = from;
		while (i < to) {
			int lf = buf.indexOf(i, to, (byte) '\n');
			if (lf < 0) {
				return -1;
			}
			// An empty line: LF right after the previous line's LF (or CRLF).
			if (lf > from && (buf.getByte(lf - 1) == '\n'
					|| (buf.getByte(lf - 1) == '\r' && lf - 1 > from && buf.getByte(lf - 2) == '\n'))) {
				return lf + 1;
			}
			i = lf + 1;
		}
		return -1;
	}

	private ResponseHead parse(ChannelHandlerContext ctx, ByteBuf buf, int from, int end) {
		int lineEnd = buf.indexOf(from, end, (byte) '\n');
		int statusEnd = trimCr(buf, from, lineEnd);
		// "HTTP/1.x SSS reason"
		if (statusEnd - from < 12 || buf.getByte(from + 8) != ' ' || !startsWithHttp1(buf, from)) {
			throw new DecoderException("not an HTTP/1 status line");
		}
		int status = digit(buf, from + 9) * 100 + digit(buf, from + 10) * 10 + digit(buf, from + 11);
		boolean http10 = buf.getByte(from + 7) == '0';
		if (status == 101) {
			this.state = TUNNEL;
			return new ResponseHead(status, ResponseHead.NONE, false, buf.retainedSlice(from, end - from));
		}
		int count = 0;
		long contentLength = -1;
		boolean chunked = false;
		boolean close = http10;
		boolean namesOthers = false;
		int i = lineEnd + 1;
		while (i < end) {
			int lf = buf.indexOf(i, end, (byte) '\n');
			int stop = trimCr(buf, i, lf);
			if (stop == i) {
				break;
			}
			int kind = Hop.KEEP;
			byte first = buf.getByte(i);
			if (first == ' ' || first == '\t') {
				// Obsolete line folding: goes with the line before.
				kind = (count > 0) ? this.lines[(count - 1) * 4 + 3] : Hop.DROP;
			}
			else {
				int colon = buf.indexOf(i, stop, (byte) ':');
				if (colon < 0) {
					throw new DecoderException("header line without a colon");
				}
				int nameEnd = colon;
				while (nameEnd > i && (buf.getByte(nameEnd - 1) == ' ' || buf.getByte(nameEnd - 1) == '\t')) {
					nameEnd--;
				}
				kind = Hop.kind(buf, i, nameEnd);
				if (kind == Hop.CONTENT_LENGTH) {
					contentLength = parseLength(buf, colon + 1, stop);
					kind = Hop.KEEP;
				}
				else if (kind == Hop.TRANSFER_ENCODING) {
					chunked = lastTokenIsChunked(buf, colon + 1, stop);
					kind = Hop.KEEP;
				}
				else if (kind == Hop.CONNECTION) {
					int v = colon + 1;
					if (Hop.containsToken(buf, v, stop, Hop.CLOSE)) {
						close = true;
					}
					else if (http10 && Hop.containsToken(buf, v, stop, Hop.KEEP_ALIVE)) {
						close = false;
					}
					namesOthers |= Hop.namesOthers(buf, v, stop);
					kind = Hop.CONNECTION;
				}
			}
			if (count * 4 + 4 > this.lines.length) {
				this.lines = java.util.Arrays.copyOf(this.lines, this.lines.length * 2);
			}
			this.lines[count * 4] = i;
			this.lines[count * 4 + 1] = stop;
			this.lines[count * 4 + 2] = lf + 1;
			this.lines[count * 4 + 3] = kind;
			count++;
			i = lf + 1;
		}
		int framing;
		if (this.headRequest || status == 204 || status == 304 || status < 200) {
			framing = ResponseHead.NONE;
		}
		else if (chunked) {
			framing = ResponseHead.CHUNKED;
		}
		else if (contentLength >= 0) {
			framing = (contentLength == 0) ? ResponseHead.NONE : ResponseHead.LENGTH;
		}
		else {
			framing = ResponseHead.CLOSE;
			close = true;
		}
		ByteBuf out = ctx.alloc().buffer(end - from + 64);
		// The lines kept are copied in runs (most responses: one run from the status code
		// to the last header but Connection).
		out.writeBytes(HTTP_1_1);
		int runStart = from + 8;
		int runEnd = lineEnd + 1;
		for (int l = 0; l < count; l++) {
			int start = this.lines[l * 4];
			if (this.lines[l * 4 + 3] != Hop.KEEP || (namesOthers && namedInConnection(buf, l, count))) {
				continue;
			}
			if (start != runEnd) {
				out.writeBytes(buf, runStart, runEnd - runStart);
				runStart = start;
			}
			runEnd = this.lines[l * 4 + 2];
		}
		out.writeBytes(buf, runStart, runEnd - runStart);
		if (framing == ResponseHead.LENGTH) {
			this.state = LENGTH;
			this.remaining = contentLength;
		}
		else if (framing == ResponseHead.CHUNKED) {
			this.state = CHUNKED;
			this.chunks.reset();
		}
		else if (framing == ResponseHead.CLOSE) {
			this.state = CLOSE;
		}
		return new ResponseHead(status, framing, !close, out);
	}

	static final int CRLF = ('\r' << 8) | '\n';

	/** Whether a Connection line among the first {@code count} names this header. */
	private boolean namedInConnection(ByteBuf buf, int line, int count) {
		int start = this.lines[line * 4];
		int nameEnd = buf.indexOf(start, this.lines[line * 4 + 1], (byte) ':');
		while (nameEnd > start && (buf.getByte(nameEnd - 1) == ' ' || buf.getByte(nameEnd - 1) == '\t')) {
			nameEnd--;
		}
		for (int l = 0; l < count; l++) {
			if (this.lines[l * 4 + 3] == Hop.CONNECTION) {
				int stop = this.lines[l * 4 + 1];
				int colon = buf.indexOf(this.lines[l * 4], stop, (byte) ':');
				if (nameEnd > start && Hop.containsToken(buf, colon + 1, stop, buf, start, nameEnd)) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean startsWithHttp1(ByteBuf buf, int from) {
		for (int k = 0; k < 7; k++) {
			if (buf.getByte(from + k) != HTTP_1_1[k]) {
				return false;
			}
		}
		return true;
	}

	private static int digit(ByteBuf buf, int index) {
		int d = buf.getByte(index) - '0';
		if (d < 0 || d > 9) {
			throw new DecoderException("bad status code");
		}
		return d;
	}

	/** The end of a line without its CR. */
	private static int trimCr(ByteBuf buf, int start, int lf) {
		return (lf > start && buf.getByte(lf - 1) == '\r') ? lf - 1 : lf;
	}

	private static long parseLength(ByteBuf buf, int from, int to) {
		long value = 0;
		boolean digits = false;
		for (int k = from; k < to; k++) {
			byte b = buf.getByte(k);
			if (b >= '0' && b <= '9') {
				if (value > Long.MAX_VALUE / 10 - 10) {
					throw new DecoderException("Content-Length too large");
				}
				value = value * 10 + (b - '0');
				digits = true;
			}
			else if (b != ' ' && b != '\t') {
				throw new DecoderException("bad Content-Length");
			}
		}
		if (!digits) {
			throw new DecoderException("empty Content-Length");
		}
		return value;
	}

	private static boolean lastTokenIsChunked(ByteBuf buf, int from, int to) {
		int end = to;
		while (end > from && (buf.getByte(end - 1) == ' ' || buf.getByte(end - 1) == '\t')) {
			end--;
		}
		int start = end - 7;
		if (start < from) {
			return false;
		}
		for (int k = 0; k < 7; k++) {
			if ((buf.getByte(start + k) | 0x20) != "chunked".charAt(k)) {
				return false;
			}
		}
		byte before = (start > from) ? buf.getByte(start - 1) : (byte) ' ';
		return before == ' ' || before == '\t' || before == ',' || start == from;
	}

	/**
	 * Where a chunked body ends: chunk-size lines (extensions skipped), data, and the
	 * trailer section up to its empty line.
	 */
	static final class Chunks implements ByteProcessor {

		private static final int SIZE = 0;

		private static final int EXTENSION = 1;

		private static final int DATA = 2;

		private static final int DATA_END = 3;

		private static final int TRAILER_START = 4;

		private static final int TRAILER = 5;

		private static final int DONE = 6;

		private int state;

		private long size;

		private int digits;

		private long data;

		void reset() {
			this.state = SIZE;
			this.size = 0;
			this.digits = 0;
		}

		boolean done() {
			return this.state == DONE;
		}

		/**
		 * Moves through {@code in} from its reader index; the index after what belongs.
		 */
		int scan(ByteBuf in) {
			int i = in.readerIndex();
			int to = in.writerIndex();
			while (i < to && this.state != DONE) {
				if (this.state == DATA) {
					int n = (int) Math.min(this.data, to - i);
					this.data -= n;
					i += n;
					if (this.data == 0) {
						this.state = DATA_END;
					}
					continue;
				}
				int stop = in.forEachByte(i, to - i, this);
				if (stop < 0) {
					return to;
				}
				i = stop + 1;
			}
			return i;
		}

		@Override
		public boolean process(byte b) {
			switch (this.state) {
				case SIZE -> {
					int d = Character.digit(b, 16);
					if (d >= 0) {
						if (++this.digits > 15) {
							throw new DecoderException("chunk size too large");
						}
						this.size = this.size * 16 + d;
					}
					else if (b == '\n') {
						return sizeLine();
					}
					else if (b == ';' || b == ' ' || b == '\t') {
						this.state = EXTENSION;
					}
					else if (b != '\r') {
						throw new DecoderException("bad chunk size");
					}
				}
				case EXTENSION -> {
					if (b == '\n') {
						return sizeLine();
					}
				}
				case DATA_END -> {
					if (b == '\n') {
						this.state = SIZE;
						this.size = 0;
						this.digits = 0;
					}
					else if (b != '\r') {
						throw new DecoderException("chunk data longer than its size");
					}
				}
				case TRAILER_START -> {
					if (b == '\n') {
						this.state = DONE;
						return false;
					}
					if (b != '\r') {
						this.state = TRAILER;
					}
				}
				case TRAILER -> {
					if (b == '\n') {
						this.state = TRAILER_START;
					}
				}
				default -> throw new IllegalStateException("state " + this.state);
			}
			return true;
		}

		private boolean sizeLine() {
			if (this.digits == 0) {
				throw new DecoderException("empty chunk size");
			}
			if (this.size == 0) {
				this.state = TRAILER_START;
				return true;
			}
			this.state = DATA;
			this.data = this.size;
			// Stop: the data is skipped in bulk.
			return false;
		}

	}

}
