package io.stevedore.nodeagent.spdy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;

/**
 * A SPDY client made of Netty's own SPDY codec (framing as kubectl's spdystream does) for
 * session tests: frames it sends are fed to the session in two pieces (the bytes of a
 * connection split anywhere), and what the session sends is decoded back to frames.
 * <p>
 * Threading: the test's thread; the session may send from any thread.
 */
public final class SpdyTestClient implements AutoCloseable {

	private final LinkedBlockingQueue<ByteBuffer> sent = new LinkedBlockingQueue<>();

	private final EmbeddedChannel channel = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

	private final List<Object> frames = new ArrayList<>();

	/** Where the session under test sends. */
	public SpdySession.Output output() {
		return this.sent::add;
	}

	/**
	 * Opens a stream with these headers (names lower-cased, as spdystream sends them).
	 */
	public void open(SpdySession session, int id, String... headers) throws IOException {
		DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
		for (int i = 0; i < headers.length; i += 2) {
			syn.headers().set(headers[i], headers[i + 1]);
		}
		send(session, syn);
	}

	public void data(SpdySession session, int id, String text, boolean last) throws IOException {
		DefaultSpdyDataFrame data = new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
		data.setLast(last);
		send(session, data);
	}

	/** A frame as the bytes a client sends on the connection. */
	public byte[] encode(Object frame) {
		this.channel.writeOutbound(frame);
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		ByteBuf encoded;
		while ((encoded = this.channel.readOutbound()) != null) {
			byte[] piece = new byte[encoded.readableBytes()];
			encoded.readBytes(piece);
			bytes.writeBytes(piece);
			encoded.release();
		}
		return bytes.toByteArray();
	}

	public void send(SpdySession session, Object frame) throws IOException {
		this.channel.writeOutbound(frame);
		ByteBuf encoded;
		while ((encoded = this.channel.readOutbound()) != null) {
			int half = encoded.readableBytes() / 2;
			session.received(encoded.nioBuffer(0, half));
			session.received(encoded.nioBuffer(half, encoded.readableBytes() - half));
			encoded.release();
		}
	}

	/** Every frame received so far and up to the first that {@code last} accepts. */
	public List<Object> framesUntil(Predicate<Object> last) throws InterruptedException {
		for (Object frame : this.frames) {
			if (last.test(frame)) {
				return List.copyOf(this.frames);
			}
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			ByteBuffer bytes = this.sent.poll(100, TimeUnit.MILLISECONDS);
			if (bytes == null) {
				continue;
			}
			this.channel.writeInbound(Unpooled.wrappedBuffer(bytes));
			Object frame;
			while ((frame = this.channel.readInbound()) != null) {
				this.frames.add(frame);
				if (last.test(frame)) {
					return List.copyOf(this.frames);
				}
			}
		}
		throw new AssertionError("no final frame; got " + this.frames);
	}

	/** The frames that have come within {@code wait}. */
	public List<Object> framesWithin(Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		while (System.nanoTime() < deadline) {
			ByteBuffer bytes = this.sent.poll(20, TimeUnit.MILLISECONDS);
			if (bytes != null) {
				this.channel.writeInbound(Unpooled.wrappedBuffer(bytes));
				Object frame;
				while ((frame = this.channel.readInbound()) != null) {
					this.frames.add(frame);
				}
			}
		}
		return List.copyOf(this.frames);
	}

	/** The text of every data frame on a stream, in order. */
	public static String text(List<Object> frames, int stream) {
		StringBuilder text = new StringBuilder();
		for (Object f : frames) {
			if (f instanceof SpdyDataFrame d && d.streamId() == stream) {
				text.append(d.content().toString(StandardCharsets.UTF_8));
			}
		}
		return text.toString();
	}

	/** Whether a stream was half-closed by the other side. */
	public static boolean ended(List<Object> frames, int stream) {
		return frames.stream().anyMatch(f -> f instanceof SpdyDataFrame d && d.streamId() == stream && d.isLast());
	}

	public static Predicate<Object> end(int stream) {
		return f -> f instanceof SpdyDataFrame d && d.streamId() == stream && d.isLast();
	}

	@Override
	public void close() {
		this.frames.forEach(io.netty.util.ReferenceCountUtil::release);
		this.channel.finishAndReleaseAll();
	}

}
