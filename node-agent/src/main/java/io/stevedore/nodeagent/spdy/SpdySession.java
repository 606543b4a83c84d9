package io.stevedore.nodeagent.spdy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a SPDY/3.1 connection as the kubelet's streaming servers run it
 * (apimachinery's {@code httpstream/spdy} on spdystream): the client opens every stream,
 * the server replies to each with an empty SYN_REPLY, sends data, half-closes with FIN
 * and answers pings. Port-forward and exec/attach differ only in what their streams mean,
 * which subclasses say in {@link #opened}, {@link #data} and {@link #reset}.
 * <p>
 * The framing and header decompression are Netty's {@link SpdyFrameCodec} in an
 * {@link EmbeddedChannel}: bytes in from the client are fed to it and the frames it
 * encodes go out through {@code output}. Netty's SpdySessionHandler is not used: it holds
 * back data when the peer's send window is spent, and the Go client (spdystream) never
 * opens it, so data is sent unthrottled as the kubelet's spdystream does. Replies are
 * encoded by {@link SynReplyEncoder} (why: see there).
 * <p>
 * Threading: every use of the channel is under {@code this} (an EmbeddedChannel is not
 * thread-safe) and so is each write to {@code output}, which keeps frames in order; the
 * subclass callbacks run under it too, so subclasses guard their own state with
 * {@code this} as well and must not block in the callbacks.
 */
public abstract class SpdySession implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(SpdySession.class);

	/** Where the session's outgoing bytes go, in order. */
	public interface Output {

		void send(ByteBuffer bytes) throws IOException;

	}

	private final EmbeddedChannel channel;

	private final Output output;

	private final SynReplyEncoder replies = new SynReplyEncoder();

	/** Streams this side accepted, for {@link #goAway}. */
	private final java.util.Set<Integer> accepted = new java.util.TreeSet<>();

	private boolean closed;

	protected SpdySession(Output output) {
		this.output = output;
		this.channel = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1), new Frames());
	}

	/** Bytes of the client's SPDY stream, in any pieces. */
	public final void received(ByteBuffer bytes) throws IOException {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			// A copy: the caller reuses its buffer, and the SPDY decoder keeps an
			// unfinished frame's bytes until the next piece completes it.
			this.channel.writeInbound(Unpooled.copiedBuffer(bytes));
			flush();
		}
		afterReceived();
	}

	/**
	 * Called on the reading thread after each piece, outside the lock: where a subclass
	 * does the blocking work its callbacks queued (writing to a process's stdin).
	 */
	protected void afterReceived() throws IOException {
	}

	/** Encodes and sends a frame now. */
	protected final synchronized void write(Object frame) throws IOException {
		if (this.closed) {
			ReferenceCountUtil.release(frame);
			return;
		}
		this.channel.writeOutbound(frame);
		flush();
	}

	/** {@link #write}, a client that is gone only logged. */
	protected final void send(Object frame) {
		try {
			write(frame);
		}
		catch (IOException ex) {
			log.debug("SPDY client gone: {}", ex.toString());
		}
	}

	/** Data on a stream, the last frame of it (FIN) when {@code last}. */
	protected final void sendData(int streamId, byte[] data, boolean last) {
		DefaultSpdyDataFrame frame = data.length == 0 ? new DefaultSpdyDataFrame(streamId)
				: new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(data));
		frame.setLast(last);
		send(frame);
	}

	/**
	 * Accepts a stream the client opened, from a callback. Past Netty's encoder (see
	 * {@link SynReplyEncoder}); in order with the frames around it all the same, since
	 * the embedded channel writes synchronously.
	 */
	protected final void reply(int streamId) {
		this.channel.pipeline().firstContext().writeAndFlush(this.replies.encode(streamId));
		this.accepted.add(streamId);
	}

	/**
	 * Ends the connection from this side: every stream accepted is reset and a GOAWAY
	 * follows, upon which spdystream (kubectl's) closes the connection once it has no
	 * streams left — the only way to end it from here, as Tomcat closes a blocking
	 * upgraded connection only once the client does. Then {@link #reset} with -1.
	 */
	public final synchronized void goAway() {
		if (this.closed) {
			return;
		}
		int last = 0;
		for (int id : this.accepted) {
			this.channel.writeOutbound(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
			last = id;
		}
		this.channel.writeOutbound(new DefaultSpdyGoAwayFrame(last));
		try {
			flush();
		}
		catch (IOException ex) {
			log.debug("SPDY client gone: {}", ex.toString());
		}
		reset(-1);
	}

	/** Refuses a stream the client opened, from a callback. */
	protected final void refuse(int streamId) {
		this.channel.writeOutbound(new DefaultSpdyRstStreamFrame(streamId, SpdyStreamStatus.PROTOCOL_ERROR));
	}

	/** Whether {@link #close} was called. */
	public final synchronized boolean isClosed() {
		return this.closed;
	}

	@Override
	public final void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.channel.finishAndReleaseAll();
			this.replies.end();
		}
		ended();
	}

	/** A stream the client opened: {@link #reply} or {@link #refuse} it. */
	protected abstract void opened(SpdySynStreamFrame syn);

	/** Data the client sent on a stream (the frame is released afterwards). */
	protected abstract void data(SpdyDataFrame data) throws IOException;

	/** The client reset a stream, or (with -1) went away from all of them. */
	protected abstract void reset(int streamId);

	/** After {@link #close}, outside the lock: release what the streams hold. */
	protected abstract void ended();

	private void flush() throws IOException {
		Object encoded;
		while ((encoded = this.channel.readOutbound()) != null) {
			ByteBuf buf = (ByteBuf) encoded;
			try {
				ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
				buf.readBytes(copy);
				copy.flip();
				this.output.send(copy);
			}
			finally {
				buf.release();
			}
		}
	}

	/** A SYN_STREAM's header (spdystream sends the names lower-cased, as SPDY/3 says). */
	protected static String header(SpdySynStreamFrame syn, String name) {
		CharSequence value = syn.headers().get(name);
		if (value == null) {
			value = syn.headers().get(name.toLowerCase(Locale.ROOT));
		}
		return value == null ? null : value.toString();
	}

	/** Decoded frames from the client; runs under the session's lock. */
	private final class Frames extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			try {
				if (msg instanceof SpdySynStreamFrame syn) {
					opened(syn);
				}
				else if (msg instanceof SpdyDataFrame data) {
					int size = data.content().readableBytes();
					if (size > 0) {
						// Keep the client's send window open, should it count one.
						ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(data.streamId(), size));
					}
					data(data);
				}
				else if (msg instanceof SpdyRstStreamFrame rst) {
					reset(rst.streamId());
				}
				else if (msg instanceof SpdyPingFrame ping) {
					// Client-initiated pings have odd ids and are echoed.
					if ((ping.id() & 1) == 1) {
						ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
					}
				}
				else if (msg instanceof SpdyGoAwayFrame) {
					reset(-1);
				}
				// SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do.
			}
			finally {
				ReferenceCountUtil.release(msg);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			log.debug("bad SPDY from the client: {}", cause.toString());
		}

	}

}
