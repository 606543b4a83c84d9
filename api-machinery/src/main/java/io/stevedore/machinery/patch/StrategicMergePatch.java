package io.stevedore.machinery.patch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stevedore.machinery.schema.PatchStrategy;
import io.stevedore.machinery.schema.SchemaNode;

/**
 * Kubernetes' strategic merge patch ({@code application/strategic-merge-patch+json}), as
 * k8s.io/apimachinery/pkg/util/strategicpatch applies it on the server: maps merge,
 * {@code null} deletes, lists with {@code patchStrategy=merge} merge by their
 * {@code patchMergeKey} (or as sets of scalars), other lists are replaced, and the
 * directives {@code $patch}, {@code $retainKeys}, {@code $deleteFromPrimitiveList/<f>}
 * and {@code $setElementOrder/<f>} steer the merge. kubectl's client-side apply sends
 * exactly these patches.
 *
 * <p>
 * One deliberate difference: values the patch adds where the object had none are
 * themselves merged into nothing, so directives never leak into stored objects (the Go
 * code relies on typed decoding to drop them).
 */
final class StrategicMergePatch {

	static final String DIRECTIVE = "$patch";

	static final String RETAIN_KEYS = "$retainKeys";

	static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

	static final String SET_ELEMENT_ORDER = "$setElementOrder";

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	private StrategicMergePatch() {
	}

	static JsonNode apply(JsonNode target, JsonNode patch, Class<?> javaType) {
		if (patch == null || !patch.isObject() || (target != null && !target.isNull() && !target.isObject())) {
			throw PatchException.badRequest("invalid JSON document");
		}
		ObjectNode original = target == null || target.isNull() ? JSON.objectNode() : JsonValues.objectCopy(target);
		return mergeMap(original, JsonValues.objectCopy(patch), SchemaNode.root(javaType));
	}

	/** Merges {@code patch} into {@code original}; both may be modified. */
	private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, SchemaNode node) {
		if (patch.has(DIRECTIVE)) {
			return mapDirective(patch, node);
		}
		applyRetainKeys(original, patch);
		applySetElementOrder(original, patch, node);
		for (String key : names(patch)) {
			JsonNode patchValue = patch.get(key);
			boolean deleteList = key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
			String field = deleteList ? extractKey(key, DELETE_FROM_PRIMITIVE_LIST) : key;
			if (patchValue.isNull()) {
				original.remove(field);
				continue;
			}
			JsonNode originalValue = original.get(field);
			SchemaNode child = node.child(field);
			if (originalValue == null || originalValue.isNull()) {
				if (!deleteList) {
					original.set(field, clean(patchValue, child));
				}
				continue;
			}
			if (!JsonValues.goType(originalValue).equals(JsonValues.goType(patchValue))) {
				original.set(field, clean(patchValue, child));
			}
			else if (originalValue.isObject()) {
				original.set(field, child.patchStrategies().contains(PatchStrategy.REPLACE) ? clean(patchValue, child)
						: mergeMap((ObjectNode) originalValue, (ObjectNode) patchValue, child));
			}
			else if (originalValue.isArray()) {
				original.set(field,
						mergeListField((ArrayNode) originalValue, (ArrayNode) patchValue, child, deleteList));
			}
			else {
				original.set(field, patchValue);
			}
		}
		return original;
	}

	/** {@code $patch: replace} uses the patch as is; {@code $patch: delete} empties. */
	private static ObjectNode mapDirective(ObjectNode patch, SchemaNode node) {
		JsonNode directive = patch.get(DIRECTIVE);
		if (directive.isTextual() && directive.asText().equals("replace")) {
			patch.remove(DIRECTIVE);
			return mergeMap(JSON.objectNode(), patch, node);
		}
		if (directive.isTextual() && directive.asText().equals("delete")) {
			return JSON.objectNode();
		}
		throw badPatchType(directive, patch);
	}

	/**
	 * {@code $retainKeys: [a, b]} clears every key of the original it does not name; the
	 * patch may only set keys it names.
	 */
	private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
		JsonNode retain = patch.remove(RETAIN_KEYS);
		if (retain == null) {
			return;
		}
		if (!retain.isArray()) {
			throw PatchException.badRequest("invalid patch format of retainKeys");
		}
		Set<String> keep = new HashSet<>();
		retain.forEach(v -> keep.add(v.asText()));
		for (String key : names(patch)) {
			if (patch.get(key).isNull() || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
					|| key.startsWith(SET_ELEMENT_ORDER)) {
				continue;
			}
			if (!keep.contains(key)) {
				throw PatchException.badRequest("invalid patch format of retainKeys");
			}
		}
		original.retain(keep);
	}

	/**
	 * {@code $setElementOrder/<f>: [...]} merges list {@code f} and orders the result:
	 * the directive's order for the items it lists, the live order for the others.
	 */
	private static void applySetElementOrder(ObjectNode original, ObjectNode patch, SchemaNode node) {
		for (String key : names(patch)) {
			if (!key.startsWith(SET_ELEMENT_ORDER)) {
				continue;
			}
			JsonNode order = patch.remove(key);
			if (!order.isArray()) {
				throw badArgType(order);
			}
			String field = extractKey(key, SET_ELEMENT_ORDER);
			JsonNode originalList = present(original.get(field));
			JsonNode patchList = present(patch.get(field));
			if (originalList != null && !originalList.isArray()) {
				throw badArgType(originalList);
			}
			if (patchList != null && !patchList.isArray()) {
				throw badArgType(patchList);
			}
			SchemaNode child = node.child(field);
			String mergeKey = child.patchMergeKey();
			validateOrder((ArrayNode) patchList, (ArrayNode) order, mergeKey);
			ArrayNode merged;
			if (originalList != null && patchList != null) {
				merged = mergeListField((ArrayNode) originalList, (ArrayNode) patchList, child, false);
			}
			else if (originalList != null) {
				merged = (ArrayNode) originalList;
			}
			else if (patchList != null) {
				merged = (ArrayNode) clean(patchList, child);
			}
			else {
				continue;
			}
			Boolean objects = elementsAreObjects((ArrayNode) originalList, (ArrayNode) patchList);
			if (objects != null) {
				List<JsonNode> inOrder = new ArrayList<>();
				List<JsonNode> serverOnly = new ArrayList<>();
				partition(merged, order, objects ? mergeKey : null, inOrder, serverOnly);
				merged = normalizeOrder(inOrder, serverOnly, list(order),
						originalList == null ? List.of() : list(originalList), objects ? mergeKey : null);
			}
			original.set(field, merged);
			patch.remove(field);
		}
	}

	/** A list field: merged if its strategy says so, else replaced by the patch. */
	private static ArrayNode mergeListField(ArrayNode original, ArrayNode patch, SchemaNode node, boolean deleteList) {
		if (node.patchStrategies().contains(PatchStrategy.MERGE)) {
			return mergeList(original, patch, node, deleteList);
		}
		return (ArrayNode) clean(patch, node);
	}

	private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, SchemaNode node, boolean deleteList) {
		if (original.isEmpty() && patch.isEmpty()) {
			return original;
		}
		boolean objects = Boolean.TRUE.equals(elementsAreObjects(original, patch));
		String mergeKey = node.patchMergeKey();
		List<JsonNode> serverOrder = list(original);
		List<JsonNode> patchItems = list(patch);
		List<JsonNode> merged;
		if (!objects) {
			if (deleteList) {
				return deleteFromList(original, patch);
			}
			merged = new ArrayList<>();
			for (JsonNode v : serverOrder) {
				addIfAbsent(merged, v);
			}
			for (JsonNode v : patchItems) {
				addIfAbsent(merged, v);
			}
			mergeKey = null;
		}
		else {
			if (mergeKey == null) {
				throw PatchException.unprocessable("cannot merge lists without merge key for type struct");
			}
			String key = mergeKey;
			List<JsonNode> plain = new ArrayList<>();
			boolean replace = false;
			for (JsonNode item : patchItems) {
				JsonNode directive = item.get(DIRECTIVE);
				if (directive == null) {
					plain.add(item);
					continue;
				}
				switch (directive.asText()) {
					case "delete" -> {
						JsonNode value = item.get(key);
						if (value == null) {
							throw noMergeKey(item, key);
						}
						serverOrder.removeIf(v -> JsonValues.equal(v.get(key), value));
					}
					case "replace" -> replace = true;
					case "merge" ->
						throw PatchException.unprocessable("merging lists cannot yet be specified in the patch");
					default -> throw badPatchType(directive, item);
				}
			}
			if (replace) {
				serverOrder = new ArrayList<>();
				for (JsonNode item : plain) {
					serverOrder.add(clean(item, node.element()));
				}
				plain = List.of();
			}
			merged = mergeByKey(serverOrder, plain, mergeKey, node.element());
			patchItems = plain;
		}
		List<JsonNode> fromPatch = new ArrayList<>();
		List<JsonNode> serverOnly = new ArrayList<>();
		partition(merged, patchItems, mergeKey, fromPatch, serverOnly);
		return normalizeOrder(fromPatch, serverOnly, patchItems, serverOrder, mergeKey);
	}

	private static List<JsonNode> mergeByKey(List<JsonNode> original, List<JsonNode> patch, String mergeKey,
			SchemaNode element) {
		List<JsonNode> result = new ArrayList<>(original);
		for (JsonNode item : patch) {
			JsonNode key = item.get(mergeKey);
			if (key == null) {
				throw noMergeKey(item, mergeKey);
			}
			int found = indexByKey(result, mergeKey, key);
			if (found >= 0) {
				result.set(found, mergeMap((ObjectNode) result.get(found), (ObjectNode) item, element));
			}
			else {
				result.add(clean(item, element));
			}
		}
		return result;
	}

	private static int indexByKey(List<JsonNode> list, String mergeKey, JsonNode key) {
		for (int i = 0; i < list.size(); i++) {
			JsonNode v = list.get(i);
			if (!v.isObject()) {
				throw PatchException.unprocessable("value for key " + i + " is not a map.");
			}
			if (JsonValues.equal(v.get(mergeKey), key)) {
				return i;
			}
		}
		return -1;
	}

	private static ArrayNode deleteFromList(ArrayNode original, ArrayNode toDelete) {
		ArrayNode result = JSON.arrayNode();
		for (JsonNode v : original) {
			if (indexOf(list(toDelete), v, null) < 0) {
				result.add(v);
			}
		}
		return result;
	}

	/**
	 * Splits {@code merged} into the items also in {@code by} and the others, keeping
	 * order.
	 */
	private static void partition(Iterable<JsonNode> merged, Iterable<JsonNode> by, String mergeKey,
			List<JsonNode> inBy, List<JsonNode> others) {
		List<JsonNode> byList = new ArrayList<>();
		by.forEach(byList::add);
		for (JsonNode v : merged) {
			if (mergeKey != null && v.get(mergeKey) == null) {
				throw noMergeKey(v, mergeKey);
			}
			(indexOf(byList, v, mergeKey) >= 0 ? inBy : others).add(v);
		}
	}

	/**
	 * Orders the patch's items by the patch order and the server-only items by the live
	 * order, then interleaves them: a server-only item goes first only when both are in
	 * the live list and it came first there (strategicpatch's mergeSortedSlice).
	 */
	private static ArrayNode normalizeOrder(List<JsonNode> patchItems, List<JsonNode> serverOnly,
			List<JsonNode> patchOrder, List<JsonNode> serverOrder, String mergeKey) {
		List<JsonNode> right = sortBy(patchItems, patchOrder, mergeKey);
		List<JsonNode> left = sortBy(serverOnly, serverOrder, mergeKey);
		ArrayNode result = JSON.arrayNode();
		int i = 0;
		int j = 0;
		while (i < left.size() || j < right.size()) {
			if (i >= left.size()) {
				result.add(right.get(j++));
			}
			else if (j >= right.size()) {
				result.add(left.get(i++));
			}
			else {
				int li = indexOf(serverOrder, left.get(i), mergeKey);
				int ri = indexOf(serverOrder, right.get(j), mergeKey);
				if (li >= 0 && ri >= 0 && li < ri) {
					result.add(left.get(i++));
				}
				else {
					result.add(right.get(j++));
				}
			}
		}
		return result;
	}

	/** A stable sort by position in {@code order}; unknown items go last. */
	private static List<JsonNode> sortBy(List<JsonNode> items, List<JsonNode> order, String mergeKey) {
		List<JsonNode> sorted = new ArrayList<>(items);
		sorted.sort((a, b) -> Integer.compare(position(order, a, mergeKey), position(order, b, mergeKey)));
		return sorted;
	}

	private static int position(List<JsonNode> order, JsonNode item, String mergeKey) {
		int index = indexOf(order, item, mergeKey);
		return index < 0 ? Integer.MAX_VALUE : index;
	}

	private static int indexOf(List<JsonNode> list, JsonNode item, String mergeKey) {
		for (int i = 0; i < list.size(); i++) {
			JsonNode candidate = list.get(i);
			boolean same = mergeKey == null ? JsonValues.equal(candidate, item)
					: candidate.isObject() && JsonValues.equal(candidate.get(mergeKey), item.get(mergeKey));
			if (same) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * The items of the patch list must appear in the {@code $setElementOrder} list in the
	 * same relative order.
	 */
	private static void validateOrder(ArrayNode patchList, ArrayNode order, String mergeKey) {
		if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
			return;
		}
		List<JsonNode> items = new ArrayList<>();
		for (JsonNode item : patchList) {
			boolean deletion = mergeKey != null && item.isObject() && item.path(DIRECTIVE).asText().equals("delete");
			if (!deletion) {
				items.add(item);
			}
		}
		int p = 0;
		int o = 0;
		while (p < items.size() && o < order.size()) {
			JsonNode item = items.get(p);
			if (item.isObject() && item.has(DIRECTIVE)) {
				p++;
				continue;
			}
			if (keyEqual(item, order.get(o), mergeKey)) {
				p++;
			}
			o++;
		}
		if (p < items.size() && o >= order.size()) {
			throw PatchException.unprocessable("The order in patch list:\n" + JsonValues.goString(patchList)
					+ "\n doesn't match " + SET_ELEMENT_ORDER + " list:\n" + JsonValues.goString(order) + "\n");
		}
	}

	private static boolean keyEqual(JsonNode left, JsonNode right, String mergeKey) {
		if (mergeKey == null) {
			return JsonValues.equal(left, right);
		}
		if (!left.isObject()) {
			throw badArgType(left);
		}
		if (!right.isObject()) {
			throw badArgType(right);
		}
		if (!left.has(mergeKey)) {
			throw noMergeKey(left, mergeKey);
		}
		if (!right.has(mergeKey)) {
			throw noMergeKey(right, mergeKey);
		}
		return JsonValues.equal(left.get(mergeKey), right.get(mergeKey));
	}

	/**
	 * A patch value where the object had none, with its directives resolved against
	 * nothing.
	 */
	private static JsonNode clean(JsonNode value, SchemaNode node) {
		if (value.isObject()) {
			return mergeMap(JSON.objectNode(), JsonValues.objectCopy(value), node);
		}
		if (value.isArray()) {
			ArrayNode result = JSON.arrayNode();
			for (JsonNode item : value) {
				if (item.isObject() && item.has(DIRECTIVE)) {
					continue;
				}
				result.add(item.isObject() ? clean(item, node.element()) : item);
			}
			return result;
		}
		return value;
	}

	/**
	 * Whether the items of the lists are objects, {@code null} if they have none. Lists
	 * of lists and mixed lists are refused as Kubernetes does.
	 */
	private static Boolean elementsAreObjects(ArrayNode... lists) {
		String type = null;
		for (ArrayNode list : lists) {
			if (list == null) {
				continue;
			}
			for (JsonNode v : list) {
				String current = JsonValues.goType(v);
				if (v.isArray()) {
					throw PatchException.unprocessable("lists of lists are not supported");
				}
				if (type != null && !type.equals(current)) {
					List<String> printed = new ArrayList<>();
					for (ArrayNode l : lists) {
						printed.add(l == null ? "[]" : JsonValues.goString(l));
					}
					throw PatchException
						.unprocessable("list element types are not identical: [" + String.join(" ", printed) + "]");
				}
				type = current;
			}
		}
		return type == null ? null : type.startsWith("map");
	}

	private static String extractKey(String key, String prefix) {
		int slash = key.indexOf('/');
		if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
			throw PatchException.badRequest(prefix.equals(SET_ELEMENT_ORDER)
					? "invalid patch format of setElementOrder list" : "invalid patch format of primitive list");
		}
		return key.substring(slash + 1);
	}

	private static void addIfAbsent(List<JsonNode> list, JsonNode value) {
		if (indexOf(list, value, null) < 0) {
			list.add(value);
		}
	}

	private static List<String> names(JsonNode object) {
		List<String> result = new ArrayList<>();
		object.fieldNames().forEachRemaining(result::add);
		return result;
	}

	private static List<JsonNode> list(JsonNode array) {
		List<JsonNode> result = new ArrayList<>();
		array.forEach(result::add);
		return result;
	}

	private static JsonNode present(JsonNode value) {
		return value == null || value.isNull() ? null : value;
	}

	private static PatchException noMergeKey(JsonNode map, String mergeKey) {
		return PatchException
			.unprocessable("map: " + JsonValues.goString(map) + " does not contain declared merge key: " + mergeKey);
	}

	private static PatchException badPatchType(JsonNode directive, JsonNode map) {
		return PatchException.unprocessable(
				"unknown patch type: " + JsonValues.goString(directive) + " in map: " + JsonValues.goString(map));
	}

	private static PatchException badArgType(JsonNode actual) {
		return PatchException.unprocessable(
				"expected a []interface {}, but received a " + JsonValues.goType(actual).replace("nil", "<nil>"));
	}

}
