package io.stevedore.proxy.ingress.http;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Header names as bytes, for {@link ResponseParser}: the few it acts on, case
 * insensitively (RFC 9110 5.1), without making a string of any.
 */
final class Hop {

	/** Forwarded as it is. */
	static final int KEEP = 0;

	/** Hop-by-hop: not forwarded. */
	static final int DROP = 1;

	static final int CONTENT_LENGTH = 2;

	static final int TRANSFER_ENCODING = 3;

	static final int CONNECTION = 4;

	private static final String[] DROPPED = { "keep-alive", "proxy-connection", "te", "trailer", "upgrade" };

	private Hop() {
	}

	/** What to do with the header named by {@code buf[start, end)}. */
	static int kind(ByteBuf buf, int start, int end) {
		int length = end - start;
		switch (length) {
			case 14:
				return equalsLower(buf, start, end, "content-length") ? CONTENT_LENGTH : KEEP;
			case 17:
				return equalsLower(buf, start, end, "transfer-encoding") ? TRANSFER_ENCODING : KEEP;
			case 10:
				if (equalsLower(buf, start, end, "connection")) {
					return CONNECTION;
				}
				return equalsLower(buf, start, end, "keep-alive") ? DROP : KEEP;
			case 16:
			case 2:
			case 7:
				for (String name : DROPPED) {
					if (equalsLower(buf, start, end, name)) {
						return DROP;
					}
				}
				return KEEP;
			default:
				return KEEP;
		}
	}

	/** Whether {@code buf[start, end)} is {@code lower} in any case. */
	static boolean equalsLower(ByteBuf buf, int start, int end, String lower) {
		if (end - start != lower.length()) {
			return false;
		}
		for (int i = start; i < end; i++) {
			if (toLower(buf.getByte(i)) != lower.charAt(i - start)) {
				return false;
			}
		}
		return true;
	}

	private static int toLower(byte b) {
		return (b >= 'A' && b <= 'Z') ? b + 32 : b;
	}

	static final ByteBuf CLOSE = ascii("close");

	static final ByteBuf KEEP_ALIVE = ascii("keep-alive");

	private static final ByteBuf UPGRADE = ascii("upgrade");

	private static ByteBuf ascii(String text) {
		return Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
	}

	/**
	 * Whether the comma-separated list {@code list[from, to)} has the token
	 * {@code token[start, end)}, in any case (with a null token: one that is not close,
	 * keep-alive or upgrade).
	 */
	static boolean containsToken(ByteBuf list, int from, int to, ByteBuf token, int start, int end) {
		int i = from;
		while (i < to) {
			int comma = list.indexOf(i, to, (byte) ',');
			int stop = (comma < 0) ? to : comma;
			int s = i;
			while (s < stop && isSpace(list.getByte(s))) {
				s++;
			}
			int e = stop;
			while (e > s && isSpace(list.getByte(e - 1))) {
				e--;
			}
			if (e > s && ((token != null) ? equalsIgnoreCase(list, s, e, token, start, end) : !known(list, s, e))) {
				return true;
			}
			i = stop + 1;
		}
		return false;
	}

	static boolean containsToken(ByteBuf list, int from, int to, ByteBuf token) {
		return containsToken(list, from, to, token, token.readerIndex(), token.writerIndex());
	}

	private static boolean known(ByteBuf list, int s, int e) {
		return equalsIgnoreCase(list, s, e, CLOSE, 0, CLOSE.writerIndex())
				|| equalsIgnoreCase(list, s, e, KEEP_ALIVE, 0, KEEP_ALIVE.writerIndex())
				|| equalsIgnoreCase(list, s, e, UPGRADE, 0, UPGRADE.writerIndex());
	}

	private static boolean equalsIgnoreCase(ByteBuf a, int aStart, int aEnd, ByteBuf b, int bStart, int bEnd) {
		if (aEnd - aStart != bEnd - bStart) {
			return false;
		}
		for (int k = 0; k < aEnd - aStart; k++) {
			if (toLower(a.getByte(aStart + k)) != toLower(b.getByte(bStart + k))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the Connection value {@code buf[from, to)} names a header (any token but
	 * close, keep-alive and upgrade): such headers are hop-by-hop too.
	 */
	static boolean namesOthers(ByteBuf buf, int from, int to) {
		return containsToken(buf, from, to, null, 0, 0);
	}

	private static boolean isSpace(byte b) {
		return b == ' ' || b == '\t';
	}

}
