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
			return "v:" + json(item);
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
		ObjectNode node = JSON.createObjectNode();
		key.forEach(node::set);
		return "k:" + json(node);
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
