package io.stevedore.apiserver.rest;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.machinery.apply.FieldManager;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Keeps metadata.managedFields on every write, through api-machinery's field manager:
 * which manager set which field, so server-side apply can tell owners and conflicts
 * apart.
 */
public final class ManagedFields {

	private static final TypeReference<List<ManagedFieldsEntry>> ENTRIES = new TypeReference<>() {
	};

	private final ObjectCodec codec;

	/**
	 * Reads the entries off the tree itself; convertValue wrote the tree into a buffer
	 * and read that.
	 */
	private final ObjectReader entriesReader;

	public ManagedFields(ObjectCodec codec) {
		this.codec = codec;
		this.entriesReader = codec.json().readerFor(ENTRIES);
	}

	/**
	 * The updated object as a tree whose managedFields record {@code manager}'s write.
	 * @param old the live object, {@code null} on create
	 */
	public JsonNode forUpdate(ResourceType type, HasMetadata old, HasMetadata updated, String manager,
			String subresource, Instant now) {
		JsonNode tree = this.codec.toTree(updated);
		// An update that changed the loaded object itself (pods/binding) has one object:
		// converted once. Both trees are fresh, so the field manager may take them over.
		JsonNode live = old == null ? null : old == updated ? tree : this.codec.toTree(old);
		return inEncoderOrder(FieldManager.updateTaking(live, tree, manager, subresource == null ? "" : subresource,
				type.javaType(), now));
	}

	/**
	 * The field manager appends managedFields to the metadata and writes each entry's
	 * fields in its own order. Stored as they came, a create's bytes differed from what
	 * the typed encoder writes for the same object, so the first no-op update after it
	 * was taken for a change and written (a new resourceVersion, where Kubernetes keeps
	 * it).
	 */
	private JsonNode inEncoderOrder(JsonNode tree) {
		if (!(tree.path("metadata") instanceof ObjectNode meta) || !(meta.get("managedFields") instanceof ArrayNode)) {
			return tree;
		}
		ArrayNode entries = meta.arrayNode();
		for (JsonNode entry : meta.remove("managedFields")) {
			entries.add(entry instanceof ObjectNode object
					? this.codec.propertyOrder().ordered(object, ManagedFieldsEntry.class) : entry);
		}
		this.codec.propertyOrder().set(meta, ObjectMeta.class, "managedFields", entries);
		return tree;
	}

	/** Copies the managedFields of a tree into the typed object. */
	public void copyInto(JsonNode tree, HasMetadata object) {
		JsonNode entries = tree.path("metadata").path("managedFields");
		if (entries.isMissingNode() || entries.isNull()) {
			object.getMetadata().setManagedFields(new ArrayList<>());
			return;
		}
		try {
			object.getMetadata().setManagedFields(this.entriesReader.readValue(entries));
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("managedFields: " + ex.getMessage(), ex);
		}
	}

}
