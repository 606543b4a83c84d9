package io.stevedore.machinery.apply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.schema.ListType;
import io.stevedore.machinery.schema.SchemaNode;

/**
 * The path elements of FieldsV1 ({@code f:name}, {@code k:{...}}, {@code v:...},
 * {@code i:N}) and their printed form in conflict messages
 * ({@code .spec.containers[name="web"].image}).
 */
final class PathElements {

	private static final ObjectMapper JSON = new ObjectMapper();

	private PathElements() {
	}

	static String field(String name) {
		return "f:" + name;
	}

	/**
	 * The element naming a list item: its key fields for map lists, its value for sets,
	 * its index otherwise. {@code strict} refuses a map-list item without a key field (as
	 * apply does); otherwise the key is made of the fields present.
	 */
	static String item(JsonNode item, int index, SchemaNode list, List<String> where, boolean strict) {
		if (list.listType() == ListType.SET) {
			String plain = plainJson(item);
			return "v:" + (plain != null ? plain : json(item));
		}
		if (list.listType() != ListType.MAP || !item.isObject()) {
			return "i:" + index;
		}
		Map<String, JsonNode> key = new TreeMap<>();
		for (String name : list.listMapKeys()) {
			JsonNode value = item.get(name);
			if (value == null || value.isNull()) {
				String fallback = list.keyDefaults().get(name);
				if (fallback != null) {
					value = TextNode.valueOf(fallback);
				}
				else if (strict) {
					throw ApiException.badRequest(describe(where) + ": element " + index
							+ ": associative list with keys has an element that omits key field \"" + name
							+ "\" (and doesn't have default value)");
				}
				else {
					continue;
				}
			}
			key.put(name, value);
		}
		String plain = plainJson(key);
		if (plain != null) {
			return "k:" + plain;
		}
		ObjectNode node = JSON.createObjectNode();
		key.forEach(node::set);
		return "k:" + json(node);
	}

	/**
	 * What Jackson writes for a key of strings, integers and booleans that need no
	 * escaping (every key of the built-in types in practice), without an ObjectMapper
	 * call per list item: {@code null} for anything else, which the mapper writes.
	 */
	private static String plainJson(Map<String, JsonNode> key) {
		StringBuilder sb = new StringBuilder(32).append('{');
		for (Map.Entry<String, JsonNode> e : key.entrySet()) {
			if (sb.length() > 1) {
				sb.append(',');
			}
			if (!plain(e.getKey())) {
				return null;
			}
			sb.append('"').append(e.getKey()).append("\":");
			String value = plainJson(e.getValue());
			if (value == null) {
				return null;
			}
			sb.append(value);
		}
		return sb.append('}').toString();
	}

	/** {@link #plainJson(Map)} for one scalar. */
	private static String plainJson(JsonNode value) {
		if (value.isTextual()) {
			String text = value.textValue();
			return plain(text) ? "\"" + text + "\"" : null;
		}
		if (value.isInt() || value.isLong()) {
			return Long.toString(value.longValue());
		}
		if (value.isBoolean()) {
			return value.booleanValue() ? "true" : "false";
		}
		return null;
	}

	/** Printable ASCII other than the quote and backslash: written as is in JSON. */
	private static boolean plain(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
				return false;
			}
		}
		return true;
	}

	/**
	 * A path as structured-merge-diff prints it:
	 * {@code .spec.ports[port=80,protocol="TCP"]}.
	 */
	static String describe(List<String> path) {
		StringBuilder sb = new StringBuilder();
		for (String pe : path) {
			String body = pe.substring(2);
			switch (pe.charAt(0)) {
				case 'f' -> sb.append('.').append(body);
				case 'v' -> sb.append("[=").append(body).append(']');
				case 'i' -> sb.append('[').append(body).append(']');
				case 'k' -> {
					List<String> parts = new ArrayList<>();
					for (Iterator<Map.Entry<String, JsonNode>> it = parse(body).fields(); it.hasNext();) {
						Map.Entry<String, JsonNode> e = it.next();
						parts.add(e.getKey() + "=" + json(e.getValue()));
					}
					sb.append('[').append(String.join(",", parts)).append(']');
				}
				default -> sb.append(pe);
			}
		}
		return sb.toString();
	}

	private static String json(JsonNode node) {
		try {
			return JSON.writeValueAsString(node);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode parse(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (JsonProcessingException ex) {
			return JSON.createObjectNode();
		}
	}

}
