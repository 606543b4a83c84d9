package io.stevedore.machinery.apply;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.patch.JsonValues;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.machinery.schema.SchemaNode;

/**
 * Field ownership and server-side apply, as kube-apiserver's fieldmanager does it on top
 * of structured-merge-diff. Every write goes through here so that
 * {@code metadata.managedFields} records who set which field:
 *
 * <pre>
 *  create/update/patch ──► update(live, updated, manager)  ──► object + Update entry
 *  apply (PATCH apply-patch+yaml) ──► apply(live, applied, manager, force)
 *        merge config into live ─► prune what this manager dropped ─► conflicts? ─► 409
 *                                                                   └─► object + Apply entry
 * </pre>
 *
 * Ownership is tracked per field: leaves, list items of map and set lists, and atomic
 * values as a whole. The apiserver passes JSON trees of whole objects; nothing passed in
 * is modified. Stateless and thread-safe.
 */
public final class FieldManager {

	/**
	 * Fields the apiserver sets itself, never owned by a manager (fieldmanager's
	 * stripMeta).
	 */
	private static final FieldSet SERVER_FIELDS = FieldSet.empty();

	private static final Map<String, FieldSet> RESET_FIELDS = new ConcurrentHashMap<>();

	static {
		for (String path : List.of("apiVersion", "kind", "metadata")) {
			SERVER_FIELDS.insert(List.of(PathElements.field(path)));
		}
		for (String field : List.of("name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName",
				"generation", "managedFields", "resourceVersion")) {
			SERVER_FIELDS.insert(List.of(PathElements.field("metadata"), PathElements.field(field)));
		}
	}

	private FieldManager() {
	}

	/** Server-side apply to the main resource. */
	public static ApplyResult apply(JsonNode live, JsonNode applied, String manager, boolean force, Class<?> javaType,
			Instant now) {
		return apply(live, applied, manager, "", force, javaType, now);
	}

	/**
	 * Server-side apply: merges {@code applied} into {@code live} (null on create),
	 * removes the fields {@code manager} applied before but no longer applies and no one
	 * else owns, and records {@code manager}'s Apply entry.
	 * @param subresource {@code ""} for the main resource, or e.g. {@code status}
	 * @throws ApiException 409 Conflict when the apply changes fields other managers own
	 * and {@code force} is false; with {@code force} the applier takes them over
	 */
	public static ApplyResult apply(JsonNode live, JsonNode applied, String manager, String subresource, boolean force,
			Class<?> javaType, Instant now) {
		if (applied == null || !applied.isObject()) {
			throw ApiException.badRequest("the applied configuration must be an object");
		}
		JsonNode appliedManaged = applied.path("metadata").get("managedFields");
		if (appliedManaged != null && !appliedManaged.isNull()) {
			throw ApiException.badRequest("metadata.managedFields must be nil");
		}
		SchemaNode node = SchemaNode.root(javaType);
		ObjectNode liveObject = withoutManagedFields(live);
		Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> managers = decode(live);
		FieldSet ignored = resetFields(javaType, subresource);

		JsonNode config = ApplyMerge.remove(applied, ignored, node);
		FieldSet configured = typedFieldSet(config, node);
		JsonNode merged = ApplyMerge.merge(liveObject, config, node);
		ManagedFieldsEntry.Identity self = new ManagedFieldsEntry.Identity(manager, ManagedFieldsEntry.APPLY,
				subresource);
		ManagedFieldsEntry previous = managers.remove(self);
		if (previous != null) {
			merged = prune(merged, previous.fields(), configured, managers, node);
		}

		TypedFields.Comparison comparison = TypedFields.compare(liveObject, merged, node);
		FieldSet changed = comparison.changed().recursiveDifference(ignored);
		Map<ManagedFieldsEntry, FieldSet> conflicts = new LinkedHashMap<>();
		for (ManagedFieldsEntry other : managers.values()) {
			FieldSet overlap = other.fields().intersection(changed);
			if (!overlap.isEmpty()) {
				conflicts.put(other, overlap);
			}
		}
		if (!force && !conflicts.isEmpty()) {
			throw ApplyConflicts.of(conflicts);
		}
		FieldSet removed = comparison.removed();
		managers.replaceAll((id, other) -> other.withFields(
				other.fields().difference(conflicts.getOrDefault(other, FieldSet.empty())).difference(removed)));

		boolean objectChanged = !JsonValues.equal(liveObject, merged);
		Instant time = (objectChanged || previous == null) ? now : previous.time();
		FieldSet owned = configured.difference(SERVER_FIELDS).recursiveDifference(ignored);
		managers.put(self, new ManagedFieldsEntry(manager, ManagedFieldsEntry.APPLY, apiVersion(applied, javaType),
				time, subresource, owned));
		return new ApplyResult(encode((ObjectNode) merged, managers), objectChanged);
	}

	/**
	 * The fields of the applied configuration; a configuration that does not fit the
	 * schema is refused as kube-apiserver does, naming the object.
	 */
	private static FieldSet typedFieldSet(JsonNode config, SchemaNode node) {
		try {
			return TypedFields.fieldSet(config, node, true);
		}
		catch (ApiException ex) {
			JsonNode metadata = config.path("metadata");
			String namespace = metadata.path("namespace").asText("");
			String object = (namespace.isEmpty() ? "" : namespace + "/") + metadata.path("name").asText("");
			throw ApiException.badRequest(
					"failed to create typed patch object (" + object + "; " + config.path("apiVersion").asText("")
							+ ", Kind=" + config.path("kind").asText("") + "): " + ex.getMessage());
		}
	}

	/** A create, update or non-apply patch of the main resource. */
	public static JsonNode update(JsonNode live, JsonNode updated, String manager, Class<?> javaType, Instant now) {
		return update(live, updated, manager, "", javaType, now);
	}

	/**
	 * Records that {@code manager} wrote {@code updated} over {@code live} (null on
	 * create): the fields it changed become its own (one Update entry per manager and
	 * subresource) and leave every other manager's set. If {@code updated} carries
	 * managedFields of its own, the client edited them and they are taken as the base;
	 * {@code [{}]} clears them.
	 * @param subresource {@code ""} for the main resource, or e.g. {@code status}
	 */
	public static JsonNode update(JsonNode live, JsonNode updated, String manager, String subresource,
			Class<?> javaType, Instant now) {
		return updateTaking(live == null ? null : live.deepCopy(), updated.deepCopy(), manager, subresource, javaType,
				now);
	}

	/**
	 * {@link #update(JsonNode, JsonNode, String, String, Class, Instant) update} for a
	 * caller that made both trees for this call (the apiserver converts its objects):
	 * they are taken over, may be changed and one of them returned, and may be the same
	 * tree (an update that changed the loaded object itself), which spares two deep
	 * copies of the object per write.
	 */
	public static JsonNode updateTaking(JsonNode live, JsonNode updated, String manager, String subresource,
			Class<?> javaType, Instant now) {
		SchemaNode node = SchemaNode.root(javaType);
		// Both entry lists are read before either tree loses its managedFields: the trees
		// may be one.
		Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> managers = decode(live);
		JsonNode sent = updated.path("metadata").get("managedFields");
		boolean cleared = false;
		if (sent != null && sent.isArray() && !sent.isEmpty()) {
			cleared = sent.size() == 1 && sent.get(0).isEmpty();
			if (!cleared) {
				managers = decode(updated);
			}
		}
		ObjectNode liveObject = stripManagedFields(live);
		ObjectNode result = stripManagedFields(updated);
		if (cleared) {
			return result;
		}
		FieldSet ignored = resetFields(javaType, subresource);
		TypedFields.Comparison comparison = TypedFields.compare(liveObject, result, node);
		// The comparison's sets are fresh and this call's own: narrowed in place rather
		// than copied (a create's whole object).
		FieldSet changed = comparison.changed().removeAllRecursively(ignored);
		FieldSet removed = comparison.removed();

		ManagedFieldsEntry.Identity self = new ManagedFieldsEntry.Identity(manager, ManagedFieldsEntry.UPDATE,
				subresource);
		ManagedFieldsEntry previous = managers.remove(self);
		managers.replaceAll((id, other) -> withoutFields(other, changed, removed));
		boolean touched = changed.hasMembersOutside(SERVER_FIELDS);
		// Without a previous entry (every create) the manager owns what it changed:
		// changed already lacks the ignored fields, so one difference does. Nothing reads
		// changed after this, so it becomes the manager's set.
		FieldSet mine = previous == null ? changed.removeAll(SERVER_FIELDS)
				: previous.fields()
					.difference(removed)
					.addAll(changed)
					.removeAll(SERVER_FIELDS)
					.removeAllRecursively(ignored);
		Instant time = (touched || previous == null) ? now : previous.time();
		managers.put(self, new ManagedFieldsEntry(manager, ManagedFieldsEntry.UPDATE, apiVersion(updated, javaType),
				time, subresource, mine));
		return encode(result, managers);
	}

	/**
	 * Another manager's entry without the fields this write changed or removed. Most
	 * writes touch none of another manager's fields (a kubelet's status write, the
	 * creator's spec): that entry stays as it is instead of being copied twice into an
	 * equal set.
	 */
	private static ManagedFieldsEntry withoutFields(ManagedFieldsEntry other, FieldSet changed, FieldSet removed) {
		if (other.fields().differenceKeepsAll(changed) && other.fields().differenceKeepsAll(removed)) {
			return other;
		}
		return other.withFields(other.fields().difference(changed).difference(removed));
	}

	/** The managedFields entries of an object, in stored order. */
	public static List<ManagedFieldsEntry> managedFields(JsonNode object) {
		return new ArrayList<>(decode(object).values());
	}

	/**
	 * Removes the fields the applier owned last time and no longer applies, unless
	 * another manager owns them; a field whose descendants someone owns stays.
	 */
	private static JsonNode prune(JsonNode merged, FieldSet last, FieldSet configured,
			Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> others, SchemaNode node) {
		FieldSet owned = configured;
		for (ManagedFieldsEntry other : others.values()) {
			owned = owned.union(other.fields());
		}
		FieldSet drop = last.withAncestorsAsMembers().difference(owned.withAncestorsAsMembers());
		return ApplyMerge.remove(merged, drop, node);
	}

	/**
	 * The fields an endpoint resets, which no manager owns there: the status of a
	 * resource with a status subresource on the main endpoint, its spec on /status (the
	 * strategies' GetResetFields).
	 */
	private static FieldSet resetFields(Class<?> javaType, String subresource) {
		return RESET_FIELDS.computeIfAbsent(javaType.getName() + "/" + subresource, k -> {
			FieldSet reset = FieldSet.empty();
			boolean hasStatus = ResourceRegistry.standard()
				.all()
				.stream()
				.anyMatch(t -> t.javaType() == javaType && t.hasSubresource("status"));
			if (hasStatus && subresource.isEmpty()) {
				reset.insert(List.of(PathElements.field("status")));
			}
			else if ("status".equals(subresource)) {
				reset.insert(List.of(PathElements.field("spec")));
			}
			return reset;
		});
	}

	private static String apiVersion(JsonNode object, Class<?> javaType) {
		String apiVersion = object.path("apiVersion").asText("");
		if (!apiVersion.isEmpty()) {
			return apiVersion;
		}
		return ResourceRegistry.standard()
			.all()
			.stream()
			.filter(t -> t.javaType() == javaType)
			.map(ResourceType::apiVersion)
			.findFirst()
			.orElse("");
	}

	private static ObjectNode withoutManagedFields(JsonNode object) {
		if (object == null || !object.isObject()) {
			return JsonNodeFactory.instance.objectNode();
		}
		ObjectNode copy = object.deepCopy();
		if (copy.get("metadata") instanceof ObjectNode metadata) {
			metadata.remove("managedFields");
		}
		return copy;
	}

	/**
	 * The object without its managedFields, changed in place; an empty object if none.
	 */
	private static ObjectNode stripManagedFields(JsonNode object) {
		if (object == null || !object.isObject()) {
			return JsonNodeFactory.instance.objectNode();
		}
		if (object.get("metadata") instanceof ObjectNode metadata) {
			metadata.remove("managedFields");
		}
		return (ObjectNode) object;
	}

	private static Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> decode(JsonNode object) {
		Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> result = new LinkedHashMap<>();
		JsonNode entries = object == null ? null : object.path("metadata").get("managedFields");
		if (entries == null || !entries.isArray()) {
			return result;
		}
		for (JsonNode entry : entries) {
			if (entry.isObject() && entry.hasNonNull("manager")) {
				ManagedFieldsEntry decoded = ManagedFieldsEntry.decode(entry);
				result.merge(decoded.identity(), decoded, (a, b) -> a.withFields(a.fields().union(b.fields())));
			}
		}
		return result;
	}

	/** Writes the non-empty entries, in Kubernetes' order, into the object. */
	private static ObjectNode encode(ObjectNode object, Map<ManagedFieldsEntry.Identity, ManagedFieldsEntry> managers) {
		List<ManagedFieldsEntry> entries = new ArrayList<>();
		for (ManagedFieldsEntry entry : managers.values()) {
			if (!entry.fields().isEmpty()) {
				entries.add(entry.time() == null ? entry
						: new ManagedFieldsEntry(entry.manager(), entry.operation(), entry.apiVersion(),
								entry.time().truncatedTo(ChronoUnit.SECONDS), entry.subresource(), entry.fields()));
			}
		}
		entries.sort(ManagedFieldsEntry.ORDER);
		ObjectNode metadata = object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
		if (entries.isEmpty()) {
			metadata.remove("managedFields");
			return object;
		}
		ArrayNode array = metadata.putArray("managedFields");
		entries.forEach(e -> array.add(e.encode()));
		return object;
	}

}
