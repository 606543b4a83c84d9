package io.stevedore.machinery.apply;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stevedore.machinery.schema.FieldKind;
import io.stevedore.machinery.schema.SchemaNode;

/**
 * Tree operations of server-side apply: merging an applied configuration into the live
 * object (structured-merge-diff's Merge) and removing a set of fields from an object (its
 * RemoveItems). Inputs are never modified.
 */
final class ApplyMerge {

	private ApplyMerge() {
	}

	/**
	 * The live value with the configuration merged in: granular maps and structs merge
	 * key by key, map and set lists merge item by item, anything atomic is replaced.
	 */
	static JsonNode merge(JsonNode live, JsonNode config, SchemaNode node) {
		if (config == null) {
			return live == null ? null : live.deepCopy();
		}
		if (live == null || TypedFields.isLeaf(live, node) || TypedFields.isLeaf(config, node)) {
			return config.deepCopy();
		}
		if (node.kind() == FieldKind.LIST) {
			return mergeList(live, config, node);
		}
		ObjectNode result = (ObjectNode) live.deepCopy();
		config.fields()
			.forEachRemaining(
					e -> result.set(e.getKey(), merge(live.get(e.getKey()), e.getValue(), node.child(e.getKey()))));
		return result;
	}

	/**
	 * Live items stay where they are; an item new in the configuration goes right before
	 * the next configured item that is already live, or at the end.
	 */
	private static JsonNode mergeList(JsonNode live, JsonNode config, SchemaNode node) {
		List<String> path = List.of();
		Map<String, JsonNode> liveItems = TypedFields.items(live, node, path, false);
		Map<String, JsonNode> configItems = TypedFields.items(config, node, path, true);
		List<String> pendingNew = new ArrayList<>();
		Set<String> emitted = new HashSet<>();
		ArrayNode result = JsonNodeFactory.instance.arrayNode();
		List<String> configOrder = new ArrayList<>(configItems.keySet());
		int next = 0;
		for (Map.Entry<String, JsonNode> e : liveItems.entrySet()) {
			String pe = e.getKey();
			if (configItems.containsKey(pe)) {
				while (next < configOrder.size() && !configOrder.get(next).equals(pe)) {
					String candidate = configOrder.get(next++);
					if (!liveItems.containsKey(candidate)) {
						pendingNew.add(candidate);
					}
				}
				next++;
				for (String added : pendingNew) {
					result.add(configItems.get(added).deepCopy());
					emitted.add(added);
				}
				pendingNew.clear();
				result.add(merge(e.getValue(), configItems.get(pe), node.element()));
			}
			else {
				result.add(e.getValue().deepCopy());
			}
		}
		for (Map.Entry<String, JsonNode> e : configItems.entrySet()) {
			if (!liveItems.containsKey(e.getKey()) && !emitted.contains(e.getKey())) {
				result.add(e.getValue().deepCopy());
			}
		}
		return result;
	}

	/**
	 * The value without the fields that are members of {@code remove} (with subtrees).
	 */
	static JsonNode remove(JsonNode value, FieldSet remove, SchemaNode node) {
		if (value == null || remove.isEmpty() || TypedFields.isLeaf(value, node)) {
			return value;
		}
		if (node.kind() == FieldKind.LIST) {
			ArrayNode result = JsonNodeFactory.instance.arrayNode();
			for (int i = 0; i < value.size(); i++) {
				JsonNode item = value.get(i);
				String pe = PathElements.item(item, i, node, List.of(), false);
				FieldSet sub = remove.child(pe);
				if (sub == null) {
					result.add(item);
				}
				else if (!sub.has(List.of())) {
					result.add(remove(item, sub, node.element()));
				}
			}
			return result;
		}
		ObjectNode result = JsonNodeFactory.instance.objectNode();
		value.fields().forEachRemaining(e -> {
			FieldSet sub = remove.child(PathElements.field(e.getKey()));
			if (sub == null) {
				result.set(e.getKey(), e.getValue());
			}
			else if (!sub.has(List.of())) {
				result.set(e.getKey(), remove(e.getValue(), sub, node.child(e.getKey())));
			}
		});
		return result;
	}

}
