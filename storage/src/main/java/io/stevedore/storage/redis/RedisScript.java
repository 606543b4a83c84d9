package io.stevedore.storage.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script of the Redis backend (one per verb), read from the classpath with the
 * shared prelude in front, and its SHA1 for EVALSHA.
 */
enum RedisScript {

	CREATE("create.lua", true), UPDATE("update.lua", true), DELETE("delete.lua", true), COMPACT("compact.lua", false),
	GET("get.lua", false), LIST("list.lua", false), HISTORY("history.lua", false);

	private final byte[] source;

	private final String sha1;

	RedisScript(String file, boolean withPrelude) {
		String body = (withPrelude ? load("prelude.lua") + "\n" : "") + load(file);
		this.source = body.getBytes(StandardCharsets.UTF_8);
		this.sha1 = sha1(this.source);
	}

	byte[] source() {
		return this.source;
	}

	String sha1() {
		return this.sha1;
	}

	private static String load(String file) {
		try (InputStream in = RedisScript.class.getResourceAsStream(file)) {
			if (in == null) {
				throw new IllegalStateException("missing Lua script " + file + " next to " + RedisScript.class);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha1(byte[] source) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
