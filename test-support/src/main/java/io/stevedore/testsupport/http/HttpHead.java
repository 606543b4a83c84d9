package io.stevedore.testsupport.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The head of an HTTP/1.1 message read off a raw connection, for tests that speak HTTP by
 * hand (upgrades): read byte by byte so nothing after the head is consumed.
 * <p>
 * Threading: immutable.
 *
 * @param text the status or request line and header lines, CRLFs and the blank line
 * included
 */
public record HttpHead(String text) {

	/** Reads up to and including the blank line (or to the end of the stream). */
	public static HttpHead read(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			head.write(b);
		}
		return new HttpHead(head.toString(StandardCharsets.ISO_8859_1));
	}

	/** A response's status code. */
	public int status() {
		return Integer.parseInt(this.text.split(" ", 3)[1]);
	}

	/** The Content-Length header's value, 0 when there is none. */
	public int contentLength() {
		return this.text.lines()
			.filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
			.map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim()))
			.findFirst()
			.orElse(0);
	}

	/** The body that Content-Length announces, read from {@code in}, as UTF-8. */
	public String body(InputStream in) throws IOException {
		return new String(in.readNBytes(contentLength()), StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return this.text;
	}

}
