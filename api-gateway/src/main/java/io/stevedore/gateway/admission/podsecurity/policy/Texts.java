package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.Collection;
import java.util.List;

/**
 * The wording helpers of Kubernetes' checks ({@code joinQuote}, {@code pluralize}, Go's
 * {@code %q}), so every message matches kube-apiserver's byte for byte.
 */
final class Texts {

	private Texts() {
	}

	/** {@code "a", "b"}; empty for none. No escaping, as Kubernetes' joinQuote. */
	static String joinQuote(Collection<String> items) {
		if (items.isEmpty()) {
			return "";
		}
		return "\"" + String.join("\", \"", items) + "\"";
	}

	static String pluralize(String singular, String plural, int count) {
		return count == 1 ? singular : plural;
	}

	/** {@code container "a"} or {@code containers "a", "b"}. */
	static String containers(List<String> names) {
		return pluralize("container", "containers", names.size()) + " " + joinQuote(names);
	}

	/**
	 * Go's {@code %q} of a string (strconv.Quote): escapes quotes, backslashes and
	 * controls.
	 */
	static String goQuote(String value) {
		StringBuilder out = new StringBuilder(value.length() + 2).append('"');
		value.codePoints().forEach((c) -> {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case 7 -> out.append("\\a");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case 11 -> out.append("\\v");
				default -> {
					if (c < 0x20 || c == 0x7f) {
						out.append(String.format("\\x%02x", c));
					}
					else if (!printable(c)) {
						out.append(c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
					}
					else {
						out.appendCodePoint(c);
					}
				}
			}
		});
		return out.append('"').toString();
	}

	private static boolean printable(int c) {
		int type = Character.getType(c);
		return Character.isDefined(c) && !Character.isISOControl(c) && type != Character.FORMAT
				&& type != Character.SURROGATE && type != Character.PRIVATE_USE && type != Character.LINE_SEPARATOR
				&& type != Character.PARAGRAPH_SEPARATOR && (type != Character.SPACE_SEPARATOR || c == ' ');
	}

	/** Go's {@code %q} of a []string: {@code ["a" "b"]}. */
	static String goQuoteList(List<String> values) {
		return "[" + String.join(" ", values.stream().map(Texts::goQuote).toList()) + "]";
	}

}
