package io.stevedore.nodeagent.spdy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * SPDY/3 SYN_REPLY frames with no headers, the only reply the kubelet sends (spdystream's
 * {@code SendReply(http.Header{}, false)}), encoded here rather than by Netty.
 * <p>
 * Why not Netty's {@code SpdyFrameCodec}: for a frame with no headers it writes an empty
 * header block, while SPDY/3 (section 2.6.10) has every header block start with its
 * number of name/value pairs, compressed. Go's framer, which kubectl uses, reads that
 * count and fails the whole session on the empty block ("frame read error: unexpected
 * EOF", then kubectl's "lost connection to pod"). So the block here is the compressed
 * count 0.
 * <p>
 * The header compression context belongs to the session and direction: every header block
 * the server sends continues one zlib stream primed with the SPDY/3 dictionary. This
 * encoder owns that stream, so the session must send no other header-carrying frame
 * (SYN_STREAM, HEADERS) through Netty; the kubelet's servers (port-forward, exec, attach)
 * never do.
 * <p>
 * Threading: not thread-safe; the session calls it under its lock.
 */
final class SynReplyEncoder {

	private static final int VERSION = 3;

	private static final int TYPE_SYN_REPLY = 2;

	/** SPDY/3's header compression dictionary (spec section 2.6.10.1), 1423 bytes. */
	private static final byte[] DICTIONARY = dictionary();

	private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);

	private boolean primed;

	/** The whole frame: control header, stream id, compressed empty header block. */
	ByteBuf encode(int streamId) {
		byte[] block = emptyHeaderBlock();
		ByteBuf frame = Unpooled.buffer(12 + block.length);
		frame.writeShort(0x8000 | VERSION);
		frame.writeShort(TYPE_SYN_REPLY);
		// flags 0 (not FIN: the stream stays open both ways), 24-bit length
		frame.writeInt(4 + block.length);
		frame.writeInt(streamId & 0x7FFFFFFF);
		frame.writeBytes(block);
		return frame;
	}

	/** Zero name/value pairs, compressed and sync-flushed as one piece of the stream. */
	private byte[] emptyHeaderBlock() {
		if (!this.primed) {
			this.deflater.setDictionary(DICTIONARY);
			this.primed = true;
		}
		this.deflater.setInput(new byte[4]);
		byte[] out = new byte[64];
		int length = 0;
		while (true) {
			int written = this.deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
			length += written;
			if (length < out.length) {
				break;
			}
			out = java.util.Arrays.copyOf(out, out.length * 2);
		}
		return java.util.Arrays.copyOf(out, length);
	}

	void end() {
		this.deflater.end();
	}

	private static byte[] dictionary() {
		try (InputStream in = SynReplyEncoder.class.getResourceAsStream("spdy3-header-dictionary.bin")) {
			if (in == null) {
				throw new IllegalStateException("spdy3-header-dictionary.bin is missing from the classpath");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
