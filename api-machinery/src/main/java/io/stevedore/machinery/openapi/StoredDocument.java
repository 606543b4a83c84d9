package io.stevedore.machinery.openapi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One rendered document as the apiserver keeps it: gzip-compressed (the JSON documents
 * shrink about tenfold, and they stay in the heap for the server's life once asked for)
 * with the SHA-512 of the uncompressed bytes, for ETags and the {@code ?hash=} of the v3
 * index. Served uncompressed: a request inflates it (milliseconds), and kubectl asks
 * rarely, keeping v3 documents in its cache by hash.
 */
record StoredDocument(byte[] gzip, String hash) {

	static StoredDocument of(byte[] body) {
		ByteArrayOutputStream compressed = new ByteArrayOutputStream(body.length / 8);
		try (OutputStream out = new GZIPOutputStream(compressed)) {
			out.write(body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("compressing in memory", ex);
		}
		return new StoredDocument(compressed.toByteArray(), sha512(body));
	}

	/** The uncompressed bytes, a new array each time. */
	byte[] body() {
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(this.gzip))) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("inflating what was compressed in memory", ex);
		}
	}

	/** A strong ETag: the quoted first 32 hex digits of the hash. */
	String etag() {
		return "\"" + this.hash.substring(0, 32) + "\"";
	}

	private static String sha512(byte[] body) {
		try {
			return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(body));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
