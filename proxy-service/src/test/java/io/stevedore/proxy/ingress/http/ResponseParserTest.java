package io.stevedore.proxy.ingress.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseParserTest {

	private final ResponseParser parser = new ResponseParser();

	private final EmbeddedChannel channel = new EmbeddedChannel(this.parser);

	/** What came out: heads as "HEAD status framing keepAlive|bytes", bodies as text. */
	private List<String> read(String... parts) {
		for (String part : parts) {
			this.channel.writeInbound(Unpooled.copiedBuffer(part, StandardCharsets.ISO_8859_1));
		}
		return drain();
	}

	private List<String> drain() {
		List<String> out = new ArrayList<>();
		Object msg;
		while ((msg = this.channel.readInbound()) != null) {
			if (msg instanceof ResponseHead head) {
				out.add("HEAD " + head.status() + " " + head.framing() + " " + head.keepAlive() + "|"
						+ head.bytes().toString(StandardCharsets.ISO_8859_1));
				head.bytes().release();
			}
			else if (msg instanceof ByteBuf buf) {
				out.add(buf.toString(StandardCharsets.ISO_8859_1));
				buf.release();
			}
			else {
				out.add(String.valueOf(msg));
			}
		}
		return out;
	}

	@Test
	void aContentLengthBodyEndsAfterItsBytesAndTheHopByHopHeadersAreDropped() {
		this.parser.expect(false);
		assertThat(String.join("~",
				read("HTTP/1.1 200 OK\r\nServer: x\r\nConnection: keep-alive, X-Private\r\n"
						+ "Keep-Alive: timeout=5\r\nX-Private: secret\r\nContent-Length: 5\r\n\r\nhel", "lo")))
			.isEqualTo("HEAD 200 1 true|HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\n~hel~lo~END");
	}

	@Test
	void aHeadSplitAcrossReadsAndTheBodyInTheSameRead() {
		this.parser.expect(false);
		assertThat(read("HTTP/1.0 404 Not Found\r\nContent-", "Length: 2\r\n\r", "\nab"))
			.containsExactly("HEAD 404 1 false|HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n", "ab", "END");
	}

	@Test
	void aChunkedBodyPassesAsItCameAndEndsAfterTheTrailers() {
		this.parser.expect(false);
		List<String> out = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel", "lo\r\n1",
				"0\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r", "\nHTTP/1.1 204 No Content\r\n\r\n");
		assertThat(out.get(0)).isEqualTo("HEAD 200 2 true|HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n");
		assertThat(String.join("", out.subList(1, out.size() - 2)))
			.isEqualTo("5;ext=1\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: 1\r\n\r\n");
		// Bytes after the end without a request out: handed on for the handler to close.
		assertThat(out.subList(out.size() - 2, out.size())).containsExactly("END", "HTTP/1.1 204 No Content\r\n\r\n");
	}

	@Test
	void headAnd204And304HaveNoBody() {
		this.parser.expect(true);
		assertThat(read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"))
			.containsExactly("HEAD 200 0 true|HTTP/1.1 200 OK\r\nContent-Length: 10\r\n", "END");
		this.parser.expect(false);
		assertThat(read("HTTP/1.1 204 No Content\r\n\r\n"))
			.containsExactly("HEAD 204 0 true|HTTP/1.1 204 No Content\r\n", "END");
		this.parser.expect(false);
		assertThat(read("HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n"))
			.containsExactly("HEAD 304 0 false|HTTP/1.1 304 Not Modified\r\n", "END");
	}

	@Test
	void withoutLengthTheBodyEndsWhenTheBackendCloses() {
		this.parser.expect(false);
		assertThat(read("HTTP/1.1 200 OK\r\n\r\nsome", " more")).containsExactly("HEAD 200 3 false|HTTP/1.1 200 OK\r\n",
				"some", " more");
		this.channel.close();
		assertThat(drain()).containsExactly("END");
	}

	@Test
	void aContinueComesAloneThenTheResponse() {
		this.parser.expect(false);
		assertThat(read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"))
			.containsExactly("HEAD 100 0 true|HTTP/1.1 100 Continue\r\n",
					"HEAD 201 0 true|HTTP/1.1 201 Created\r\nContent-Length: 0\r\n", "END");
	}

	@Test
	void a101IsPassedWholeAndThenEverythingRaw() {
		this.parser.expect(false);
		String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
		assertThat(read(head + "\u0081\u0002hi", "more")).containsExactly("HEAD 101 0 false|" + head, "\u0081\u0002hi",
				"more");
	}

	@Test
	void bareLineFeedsEndLinesAndAFoldedLineGoesWithItsHeader() {
		this.parser.expect(false);
		assertThat(read("HTTP/1.1 200 OK\nX-Long: a\n b\nKeep-Alive: timeout=5\n max=9\nTransfer-Encoding: gzip, "
				+ "chunked\n\n0\n\n"))
			.containsExactly("HEAD 200 2 true|HTTP/1.1 200 OK\nX-Long: a\n b\nTransfer-Encoding: gzip, chunked\n",
					"0\n\n", "END");
	}

	@Test
	void bytesNobodyAskedForAreHandedOnRaw() {
		assertThat(read("junk")).containsExactly("junk");
	}

	@Test
	void aBrokenStatusLineOrAHugeHeadIsAnError() {
		this.parser.expect(false);
		assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n\r\n")).isInstanceOf(DecoderException.class);
		EmbeddedChannel other = new EmbeddedChannel(new ResponseParser());
		((ResponseParser) other.pipeline().first()).expect(false);
		assertThatThrownBy(() -> other.writeInbound(Unpooled.copiedBuffer(
				"HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseParser.MAX_HEAD + 10), StandardCharsets.US_ASCII)))
			.isInstanceOf(DecoderException.class);
	}

}
