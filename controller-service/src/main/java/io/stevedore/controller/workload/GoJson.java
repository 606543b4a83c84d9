package io.stevedore.controller.workload;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON text as Go's encoding/json writes it: compact, object keys in the order given or
 * sorted (a Go map), strings escaped as Go does ({@code <}, {@code >} and {@code &} as
 * six-character unicode escapes, so do U+2028, U+2029 and control characters without a
 * short form; {@code \b \f \n \r \t} short; hex digits in lower case). Why:
 * {@code kubectl rollout undo} compares the bytes it builds this way with a
 * ControllerRevision's data.
 */
final class GoJson {

	private static final String HEX = "0123456789abcdef";

	private GoJson() {
	}

	/**
	 * @param sortKeys true writes object keys sorted, as Go writes a map; false keeps the
	 * node's order
	 */
	static String write(JsonNode node, boolean sortKeys) {
		StringBuilder out = new StringBuilder();
		write(node, sortKeys, out);
		return out.toString();
	}

	private static void write(JsonNode node, boolean sortKeys, StringBuilder out) {
		if (node == null || node.isNull() || node.isMissingNode()) {
			out.append("null");
		}
		else if (node.isObject()) {
			List<String> keys = new ArrayList<>();
			node.fieldNames().forEachRemaining(keys::add);
			if (sortKeys) {
				// Go sorts a map's keys by their bytes; the keys here are ASCII.
				keys.sort(null);
			}
			out.append('{');
			for (int i = 0; i < keys.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				string(keys.get(i), out);
				out.append(':');
				write(node.get(keys.get(i)), sortKeys, out);
			}
			out.append('}');
		}
		else if (node.isArray()) {
			out.append('[');
			for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
				write(it.next(), sortKeys, out);
				if (it.hasNext()) {
					out.append(',');
				}
			}
			out.append(']');
		}
		else if (node.isTextual()) {
			string(node.textValue(), out);
		}
		else if (node.isNumber()) {
			// Integers as digits; kubectl's float64 round trip prints them the same way.
			out.append(node.isIntegralNumber() ? node.bigIntegerValue().toString()
					: node.decimalValue().stripTrailingZeros().toPlainString());
		}
		else {
			out.append(node.asText());
		}
	}

	private static final Map<Character, String> SHORT = Map.of('"', "\\\"", '\\', "\\\\", '\b', "\\b", '\f', "\\f",
			'\n', "\\n", '\r', "\\r", '\t', "\\t");

	static void string(String value, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			String escape = SHORT.get(c);
			if (escape != null) {
				out.append(escape);
			}
			else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
				out.append("\\u")
					.append(HEX.charAt(c >> 12 & 0xf))
					.append(HEX.charAt(c >> 8 & 0xf))
					.append(HEX.charAt(c >> 4 & 0xf))
					.append(HEX.charAt(c & 0xf));
			}
			else if (Character.isSurrogate(c)
					&& !(Character.isHighSurrogate(c) && i + 1 < value.length()
							&& Character.isLowSurrogate(value.charAt(i + 1)))
					&& !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1)))) {
				// Not valid UTF-16, so not valid UTF-8 in Go: the replacement character.
				out.append("\\ufffd");
			}
			else {
				out.append(c);
			}
		}
		out.append('"');
	}

}
