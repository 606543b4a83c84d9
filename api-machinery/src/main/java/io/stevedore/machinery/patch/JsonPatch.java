package io.stevedore.machinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * RFC 6902 JSON Patch ({@code application/json-patch+json}) with the behaviour and error
 * texts of the library kube-apiserver uses (evanphx/json-patch v4): negative array
 * indexes count from the end, {@code replace} of a missing object key adds it, and each
 * failure names the operation and path.
 */
final class JsonPatch {

	private static final String MISSING = ": missing value";

	private static final String INVALID_INDEX = ": invalid index referenced";

	private JsonPatch() {
	}

	static JsonNode apply(JsonNode target, JsonNode patch) {
		if (patch == null || !patch.isArray()) {
			throw PatchException
				.badRequest("json: cannot unmarshal " + describe(patch) + " into Go value of type jsonpatch.Patch");
		}
		for (JsonNode op : patch) {
			if (!op.isObject()) {
				throw PatchException.badRequest(
						"json: cannot unmarshal " + describe(op) + " into Go value of type jsonpatch.Operation");
			}
		}
		JsonNode[] doc = { target.deepCopy() };
		for (JsonNode op : patch) {
			String kind = op.path("op").isTextual() ? op.get("op").asText() : "unknown";
			switch (kind) {
				case "add" -> add(doc[0], op);
				case "remove" -> remove(doc[0], op);
				case "replace" -> doc[0] = replace(doc[0], op);
				case "move" -> move(doc[0], op);
				case "test" -> test(doc[0], op);
				case "copy" -> copy(doc[0], op);
				default -> throw PatchException.unprocessable("Unexpected kind: " + kind);
			}
		}
		return doc[0];
	}

	private static void add(JsonNode doc, JsonNode op) {
		String path = path(op, "add operation failed to decode path" + MISSING);
		Location loc = find(doc, path);
		if (loc == null) {
			throw fail("add operation does not apply: doc is missing path: \"" + path + "\"" + MISSING);
		}
		String error = loc.add(value(op));
		if (error != null) {
			throw fail("error in add for path: '" + path + "': " + error);
		}
	}

	private static void remove(JsonNode doc, JsonNode op) {
		String path = path(op, "remove operation failed to decode path" + MISSING);
		Location loc = find(doc, path);
		if (loc == null) {
			throw fail("remove operation does not apply: doc is missing path: \"" + path + "\"" + MISSING);
		}
		String error = loc.remove();
		if (error != null) {
			throw fail("error in remove for path: '" + path + "': " + error);
		}
	}

	private static JsonNode replace(JsonNode doc, JsonNode op) {
		String path = path(op, "replace operation failed to decode path: operation missing path field" + MISSING);
		if (path.isEmpty()) {
			JsonNode value = value(op);
			if (!value.isContainerNode()) {
				throw fail("replace operation value must be object or array");
			}
			return value;
		}
		Location loc = find(doc, path);
		if (loc == null) {
			throw fail("replace operation does not apply: doc is missing path: " + path + MISSING);
		}
		if (loc.getError() != null) {
			throw fail("replace operation does not apply: doc is missing key: " + path + MISSING);
		}
		loc.set(value(op));
		return doc;
	}

	private static void move(JsonNode doc, JsonNode op) {
		String from = from(op, "move operation failed to decode from: operation, missing from field" + MISSING);
		Location source = find(doc, from);
		if (source == null) {
			throw fail("move operation does not apply: doc is missing from path: " + from + MISSING);
		}
		if (source.getError() != null) {
			throw fail("error in move for path: '" + source.key + "': " + source.getError());
		}
		JsonNode value = source.get();
		String error = source.remove();
		if (error != null) {
			throw fail("error in move for path: '" + source.key + "': " + error);
		}
		String path = path(op, "move operation failed to decode path: operation missing path field" + MISSING);
		Location target = find(doc, path);
		if (target == null) {
			throw fail("move operation does not apply: doc is missing destination path: " + path + MISSING);
		}
		error = target.add(value == null ? NullNode.getInstance() : value);
		if (error != null) {
			throw fail("error in move for path: '" + path + "': " + error);
		}
	}

	private static void test(JsonNode doc, JsonNode op) {
		String path = path(op, "test operation failed to decode path: operation missing path field" + MISSING);
		JsonNode expected = op.get("value");
		if (path.isEmpty()) {
			if (!JsonValues.equal(doc, expected)) {
				throw testFailed(path);
			}
			return;
		}
		Location loc = find(doc, path);
		if (loc == null) {
			throw fail("test operation does not apply: is missing path: " + path + MISSING);
		}
		if (loc.getError() != null) {
			throw fail("error in test for path: '" + path + "': " + loc.getError());
		}
		JsonNode actual = loc.get();
		if (actual == null) {
			if (expected == null || expected.isNull()) {
				return;
			}
			throw testFailed(path);
		}
		if (expected == null || !JsonValues.equal(actual, expected)) {
			throw testFailed(path);
		}
	}

	private static void copy(JsonNode doc, JsonNode op) {
		String from = from(op, "copy operation failed to decode from: operation, missing from field" + MISSING);
		Location source = find(doc, from);
		if (source == null) {
			throw fail("copy operation does not apply: doc is missing from path: " + from + MISSING);
		}
		if (source.getError() != null) {
			throw fail("error in copy for from: '" + from + "': " + source.getError());
		}
		JsonNode value = source.get();
		String path = path(op, "copy operation failed to decode path" + MISSING);
		Location target = find(doc, path);
		if (target == null) {
			throw fail("copy operation does not apply: doc is missing destination path: " + path + MISSING);
		}
		String error = target.add(value == null ? NullNode.getInstance() : value.deepCopy());
		if (error != null) {
			throw fail("error while adding value during copy: " + error);
		}
	}

	private static PatchException testFailed(String path) {
		return fail("testing value " + path + " failed: test failed");
	}

	private static PatchException fail(String message) {
		return PatchException.unprocessable(message);
	}

	private static String path(JsonNode op, String missing) {
		JsonNode path = op.get("path");
		if (path == null || path.isNull()) {
			throw fail(missing);
		}
		return path.asText();
	}

	private static String from(JsonNode op, String missing) {
		JsonNode from = op.get("from");
		if (from == null || from.isNull()) {
			throw fail(missing);
		}
		return from.asText();
	}

	/** An absent value is JSON null, as the Go library stores it. */
	private static JsonNode value(JsonNode op) {
		JsonNode value = op.get("value");
		return value == null ? NullNode.getInstance() : value.deepCopy();
	}

	/**
	 * The container holding the last segment of a pointer, or {@code null} when a parent
	 * is missing or not a container.
	 */
	private static Location find(JsonNode doc, String path) {
		String[] split = path.split("/", -1);
		if (split.length < 2) {
			return null;
		}
		JsonNode current = doc;
		for (int i = 1; i < split.length - 1; i++) {
			JsonNode next = child(current, decode(split[i]));
			if (next == null || !next.isContainerNode()) {
				return null;
			}
			current = next;
		}
		return new Location(current, decode(split[split.length - 1]));
	}

	private static JsonNode child(JsonNode container, String key) {
		if (container.isObject()) {
			return container.get(key);
		}
		Integer index = parseIndex(key);
		if (index == null) {
			return null;
		}
		int i = index < 0 ? index + container.size() : index;
		return (i < 0 || i >= container.size()) ? null : container.get(i);
	}

	private static Integer parseIndex(String key) {
		try {
			return Integer.parseInt(key);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String decode(String key) {
		return key.replace("~1", "/").replace("~0", "~");
	}

	private static String describe(JsonNode node) {
		if (node == null || node.isNull()) {
			return "null";
		}
		return node.isObject() ? "object"
				: node.isArray() ? "array" : node.isTextual() ? "string" : node.isNumber() ? "number" : "bool";
	}

	/** One key of one container, with the Go library's per-container rules. */
	private record Location(JsonNode container, String key) {

		String getError() {
			if (this.container.isObject()) {
				return null;
			}
			Integer index = parseIndex(this.key);
			if (index == null) {
				return "strconv.Atoi: parsing \"" + this.key + "\": invalid syntax";
			}
			int size = this.container.size();
			if (index < -size || index >= size) {
				return "Unable to access invalid index: " + index + INVALID_INDEX;
			}
			return null;
		}

		JsonNode get() {
			return child(this.container, this.key);
		}

		void set(JsonNode value) {
			if (this.container instanceof ObjectNode object) {
				object.set(this.key, value);
				return;
			}
			int index = Integer.parseInt(this.key);
			((ArrayNode) this.container).set(index < 0 ? index + this.container.size() : index, value);
		}

		String add(JsonNode value) {
			if (this.container instanceof ObjectNode object) {
				object.set(this.key, value);
				return null;
			}
			ArrayNode array = (ArrayNode) this.container;
			if (this.key.equals("-")) {
				array.add(value);
				return null;
			}
			Integer index = parseIndex(this.key);
			if (index == null) {
				return "value was not a proper array index: '" + this.key + "': strconv.Atoi: parsing \"" + this.key
						+ "\": invalid syntax";
			}
			int newSize = array.size() + 1;
			if (index >= newSize || index < -newSize) {
				return "Unable to access invalid index: " + index + INVALID_INDEX;
			}
			array.insert(index < 0 ? index + newSize : index, value);
			return null;
		}

		String remove() {
			if (this.container instanceof ObjectNode object) {
				if (!object.has(this.key)) {
					return "Unable to remove nonexistent key: " + this.key + MISSING;
				}
				object.remove(this.key);
				return null;
			}
			String error = getError();
			if (error != null) {
				return error;
			}
			int index = Integer.parseInt(this.key);
			((ArrayNode) this.container).remove(index < 0 ? index + this.container.size() : index);
			return null;
		}

	}

}
