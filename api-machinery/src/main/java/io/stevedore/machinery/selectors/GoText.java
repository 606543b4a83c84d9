package io.stevedore.machinery.selectors;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * The few Go behaviours the selector code must copy to be byte-for-byte compatible with
 * kube-apiserver: how {@code %q} and {@code %#v} print values in error messages, how Go
 * orders strings (by UTF-8 bytes, i.e. by code point, not by UTF-16 unit as
 * {@link String#compareTo} does) and what {@code strconv.ParseInt(s, 10, 64)} accepts.
 */
final class GoText {

	/** Go's {@code <} on strings. */
	static final Comparator<String> ORDER = GoText::compare;

	private GoText() {
	}

	static int compare(String a, String b) {
		int i = 0;
		int j = 0;
		while (i < a.length() && j < b.length()) {
			int ca = a.codePointAt(i);
			int cb = b.codePointAt(j);
			if (ca != cb) {
				return Integer.compare(ca, cb);
			}
			i += Character.charCount(ca);
			j += Character.charCount(cb);
		}
		return Boolean.compare(i < a.length(), j < b.length());
	}

	/** Go's {@code len(s)}: the number of UTF-8 bytes. */
	static int byteLength(String s) {
		for (int i = 0; i < s.length(); i++) {
			if (s.charAt(i) >= 0x80) {
				return s.getBytes(StandardCharsets.UTF_8).length;
			}
		}
		return s.length();
	}

	/** Go's {@code strconv.Quote}, which {@code %q} and {@code %#v} use for strings. */
	static String quote(String s) {
		StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
		for (int i = 0; i < s.length();) {
			int cp = s.codePointAt(i);
			i += Character.charCount(cp);
			switch (cp) {
				case '"' -> sb.append("\\\"");
				case '\\' -> sb.append("\\\\");
				case 0x07 -> sb.append("\\a");
				case '\b' -> sb.append("\\b");
				case '\f' -> sb.append("\\f");
				case '\n' -> sb.append("\\n");
				case '\r' -> sb.append("\\r");
				case '\t' -> sb.append("\\t");
				case 0x0b -> sb.append("\\v");
				default -> {
					if (isPrint(cp)) {
						sb.appendCodePoint(cp);
					}
					else if (cp < 0x80) {
						sb.append(String.format("\\x%02x", cp));
					}
					else if (cp <= 0xFFFF) {
						sb.append(String.format("\\u%04x", cp));
					}
					else {
						sb.append(String.format("\\U%08x", cp));
					}
				}
			}
		}
		return sb.append('"').toString();
	}

	/**
	 * Go's {@code %#v} of a {@code []string}: {@code []string(nil)} for nil, else
	 * {@code []string{"a", "b"}}.
	 */
	static String sliceLiteral(List<String> values) {
		if (values == null) {
			return "[]string(nil)";
		}
		StringBuilder sb = new StringBuilder("[]string{");
		for (int i = 0; i < values.size(); i++) {
			sb.append(i == 0 ? "" : ", ").append(quote(values.get(i)));
		}
		return sb.append('}').toString();
	}

	/** Whether {@code strconv.ParseInt(s, 10, 64)} succeeds. */
	static boolean isInt64(String s) {
		int n = s.length();
		int i = (n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-')) ? 1 : 0;
		if (i == n) {
			return false;
		}
		// Accumulate negatively so that Long.MIN_VALUE fits; reject before overflowing.
		long limit = s.charAt(0) == '-' ? Long.MIN_VALUE : -Long.MAX_VALUE;
		long multiplyLimit = limit / 10;
		long value = 0;
		for (; i < n; i++) {
			char c = s.charAt(i);
			if (c < '0' || c > '9' || value < multiplyLimit) {
				return false;
			}
			value *= 10;
			if (value < limit + (c - '0')) {
				return false;
			}
			value -= c - '0';
		}
		return true;
	}

	/** {@code strconv.ParseInt(s, 10, 64)} for a string {@link #isInt64} accepted. */
	static long parseInt64(String s) {
		int i = (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
		long value = 0;
		for (; i < s.length(); i++) {
			value = value * 10 - (s.charAt(i) - '0');
		}
		return s.charAt(0) == '-' ? value : -value;
	}

	private static boolean isPrint(int cp) {
		if (cp == ' ') {
			return true;
		}
		return switch (Character.getType(cp)) {
			case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
					Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
					Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
					Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
					Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
					Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
					Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
					Character.OTHER_SYMBOL ->
				true;
			default -> false;
		};
	}

}
