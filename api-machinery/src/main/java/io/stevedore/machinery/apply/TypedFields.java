package io.stevedore.machinery.apply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.stevedore.machinery.patch.JsonValues;
import io.stevedore.machinery.schema.FieldKind;
import io.stevedore.machinery.schema.SchemaNode;

/**
 * The field-level views of an object that ownership is computed from: the set of fields a
 * value sets (structured-merge-diff's ToFieldSet) and what changed between two values
 * (its Compare).
 */
final class TypedFields {

	/** The paths added, removed and modified from one value to another. */
	record Comparison(FieldSet added, FieldSet removed, FieldSet modified) {

		/**
		 * Added and modified paths; the added set itself when nothing was modified (a
		 * create). The caller may change it: the comparison is not read again.
		 */
		FieldSet changed() {
			return this.modified.isEmpty() ? this.added : this.added.union(this.modified);
		}

	}

	private TypedFields() {
	}

	/**
	 * Every leaf a value sets, each list item it holds (items are members too), and empty
	 * or unknown map entries.
	 */
	static FieldSet fieldSet(JsonNode value, SchemaNode node, boolean strict) {
		FieldSet set = FieldSet.empty();
		collect(value, node, new ArrayList<>(), set, strict);
		return set;
	}

	private static void collect(JsonNode value, SchemaNode node, List<String> path, FieldSet set, boolean strict) {
		if (value == null) {
			return;
		}
		if (isLeaf(value, node)) {
			set.insert(path);
			return;
		}
		if (node.kind() == FieldKind.LIST) {
			for (Map.Entry<String, JsonNode> item : items(value, node, path, strict).entrySet()) {
				path.add(item.getKey());
				collect(item.getValue(), node.element(), path, set, strict);
				set.insert(path);
				path.remove(path.size() - 1);
			}
			return;
		}
		value.fields().forEachRemaining(e -> {
			path.add(PathElements.field(e.getKey()));
			JsonNode v = e.getValue();
			collect(v, node.child(e.getKey()), path, set, strict);
			if (v.isNull() || (v.isObject() && v.isEmpty()) || !node.declares(e.getKey())) {
				set.insert(path);
			}
			path.remove(path.size() - 1);
		});
	}

	/** What changed from {@code lhs} to {@code rhs}; {@code null} is absent. */
	static Comparison compare(JsonNode lhs, JsonNode rhs, SchemaNode node) {
		Comparison c = new Comparison(FieldSet.empty(), FieldSet.empty(), FieldSet.empty());
		compare(lhs, rhs, node, new ArrayList<>(), c);
		return c;
	}

	private static void compare(JsonNode lhs, JsonNode rhs, SchemaNode node, List<String> path, Comparison c) {
		if (lhs == null && rhs != null && !path.isEmpty()) {
			added(rhs, node, path, c.added().node(path));
			return;
		}
		boolean leaf = (lhs != null && isLeaf(lhs, node)) || (rhs != null && isLeaf(rhs, node));
		if (leaf) {
			if (lhs == null) {
				c.added().insert(path);
			}
			else if (rhs == null) {
				c.removed().insert(path);
			}
			else if (!JsonValues.equal(lhs, rhs)) {
				c.modified().insert(path);
			}
			return;
		}
		if (lhs != null && rhs != null && JsonValues.equal(lhs, rhs)) {
			// Equal subtrees add, remove and modify nothing: skipping them spares an
			// update the walk of everything it did not touch (a bind changes two fields
			// of a whole pod).
			return;
		}
		if (node.kind() == FieldKind.LIST) {
			Map<String, JsonNode> left = lhs == null ? Map.of() : items(lhs, node, path, false);
			Map<String, JsonNode> right = rhs == null ? Map.of() : items(rhs, node, path, false);
			for (Map.Entry<String, JsonNode> e : left.entrySet()) {
				path.add(e.getKey());
				compare(e.getValue(), right.get(e.getKey()), node.element(), path, c);
				path.remove(path.size() - 1);
			}
			for (Map.Entry<String, JsonNode> e : right.entrySet()) {
				if (!left.containsKey(e.getKey())) {
					path.add(e.getKey());
					compare(null, e.getValue(), node.element(), path, c);
					path.remove(path.size() - 1);
				}
			}
		}
		else {
			// Objects and maps are walked in place, without a map of their children.
			if (lhs != null) {
				for (Map.Entry<String, JsonNode> e : lhs.properties()) {
					path.add(PathElements.field(e.getKey()));
					compare(e.getValue(), rhs == null ? null : rhs.get(e.getKey()), node.child(e.getKey()), path, c);
					path.remove(path.size() - 1);
				}
			}
			if (rhs != null) {
				for (Map.Entry<String, JsonNode> e : rhs.properties()) {
					if (lhs == null || !lhs.has(e.getKey())) {
						path.add(PathElements.field(e.getKey()));
						compare(null, e.getValue(), node.child(e.getKey()), path, c);
						path.remove(path.size() - 1);
					}
				}
			}
		}
		if (path.isEmpty()) {
			return;
		}
		boolean structField = path.get(path.size() - 1).startsWith("f:") && node.kind() == FieldKind.OBJECT;
		if (lhs == null && !(structField && !rhs.isEmpty())) {
			// A new list item or map entry is itself owned (FieldsV1 "."); a new struct
			// with content is not, as Go value-typed structs always exist in Kubernetes.
			c.added().insert(path);
		}
		else if (rhs == null) {
			c.removed().insert(path);
		}
	}

	/**
	 * What {@link #compare} records for a value the left side lacks (every field of a
	 * create), written at its node of the added set instead of inserting each path from
	 * the root. Every such value adds itself or something below it, so creating its node
	 * first changes nothing.
	 */
	private static void added(JsonNode rhs, SchemaNode node, List<String> path, FieldSet at) {
		if (isLeaf(rhs, node)) {
			at.markMember();
			return;
		}
		if (node.kind() == FieldKind.LIST) {
			for (Map.Entry<String, JsonNode> e : items(rhs, node, path, false).entrySet()) {
				path.add(e.getKey());
				added(e.getValue(), node.element(), path, at.node(e.getKey()));
				path.remove(path.size() - 1);
			}
		}
		else {
			for (Map.Entry<String, JsonNode> e : rhs.properties()) {
				String element = PathElements.field(e.getKey());
				path.add(element);
				added(e.getValue(), node.child(e.getKey()), path, at.node(element));
				path.remove(path.size() - 1);
			}
		}
		boolean structField = path.get(path.size() - 1).startsWith("f:") && node.kind() == FieldKind.OBJECT;
		if (!(structField && !rhs.isEmpty())) {
			at.markMember();
		}
	}

	/** The items of a set or map list by path element; the first of duplicates wins. */
	static Map<String, JsonNode> items(JsonNode list, SchemaNode node, List<String> path, boolean strict) {
		Map<String, JsonNode> result = new LinkedHashMap<>();
		for (int i = 0; i < list.size(); i++) {
			result.putIfAbsent(PathElements.item(list.get(i), i, node, path, strict), list.get(i));
		}
		return result;
	}

	/**
	 * Atomic types are leaves, and so is a value whose JSON shape does not match its
	 * schema: it can only be owned whole.
	 */
	static boolean isLeaf(JsonNode value, SchemaNode node) {
		if (node.atomic() || value.isNull()) {
			return true;
		}
		return switch (node.kind()) {
			case LIST -> !value.isArray();
			case OBJECT, MAP -> !value.isObject();
			case SCALAR -> true;
		};
	}

}
