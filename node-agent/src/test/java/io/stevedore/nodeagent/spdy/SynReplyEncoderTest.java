package io.stevedore.nodeagent.spdy;

import java.util.zip.Inflater;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SYN_REPLY frames as Go's SPDY framer (kubectl) reads them: a header block that inflates
 * to a pair count of zero, all blocks one zlib stream on the SPDY/3 dictionary.
 */
class SynReplyEncoderTest {

	/**
	 * The dictionary's Adler-32 as kubectl announces it in the zlib header of its first
	 * header block ({@code 78 F9 E3 C6 A7 C2}, seen with {@code -v=8}).
	 */
	private static final long GO_DICTIONARY_ADLER = 0xE3C6A7C2L;

	@Test
	void everyReplysHeaderBlockInflatesToAZeroPairCountOnGosDictionary() throws Exception {
		SynReplyEncoder encoder = new SynReplyEncoder();
		Inflater inflater = new Inflater();
		for (int stream : new int[] { 1, 3, 5 }) {
			ByteBuf frame = encoder.encode(stream);
			assertThat(frame.readUnsignedShort()).isEqualTo(0x8003);
			assertThat(frame.readUnsignedShort()).isEqualTo(2);
			int flagsAndLength = frame.readInt();
			assertThat(flagsAndLength >>> 24).isZero();
			assertThat(frame.readInt()).isEqualTo(stream);
			byte[] block = new byte[frame.readableBytes()];
			frame.readBytes(block);
			assertThat(flagsAndLength & 0xFFFFFF).isEqualTo(4 + block.length);
			assertThat(block).isNotEmpty();
			inflater.setInput(block);
			byte[] count = new byte[4];
			int n = inflater.inflate(count);
			// The first block opens the zlib stream and names its dictionary; the
			// others continue it.
			assertThat(inflater.needsDictionary()).isEqualTo(stream == 1);
			if (inflater.needsDictionary()) {
				assertThat(Integer.toUnsignedLong(inflater.getAdler())).isEqualTo(GO_DICTIONARY_ADLER);
				inflater.setDictionary(dictionary());
				n = inflater.inflate(count);
			}
			assertThat(n).as("pair count of stream %d", stream).isEqualTo(4);
			assertThat(count).containsExactly(0, 0, 0, 0);
			frame.release();
		}
		encoder.end();
	}

	@Test
	void nettysDecoderReadsTheRepliesAsSynReplies() {
		SynReplyEncoder encoder = new SynReplyEncoder();
		EmbeddedChannel peer = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
		peer.writeInbound(encoder.encode(1));
		peer.writeInbound(encoder.encode(3));
		SpdySynReplyFrame first = peer.readInbound();
		SpdySynReplyFrame second = peer.readInbound();
		assertThat(first.streamId()).isEqualTo(1);
		assertThat(first.isInvalid()).isFalse();
		assertThat(second.streamId()).isEqualTo(3);
		assertThat(second.headers().isEmpty()).isTrue();
		peer.finishAndReleaseAll();
		encoder.end();
	}

	private static byte[] dictionary() throws Exception {
		try (var in = SynReplyEncoder.class.getResourceAsStream("spdy3-header-dictionary.bin")) {
			return in.readAllBytes();
		}
	}

}
