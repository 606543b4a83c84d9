package io.stevedore.machinery.apply;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code metadata.managedFields} entry: the fields one manager owns through one kind
 * of operation, optionally through a subresource.
 *
 * @param manager the field manager name, e.g. {@code kubectl-client-side-apply}
 * @param operation {@code Apply} or {@code Update}
 * @param apiVersion the version the fields were set in
 * @param time when the manager last changed the object, or {@code null}
 * @param subresource e.g. {@code status}, or empty
 * @param fields the owned fields
 */
public record ManagedFieldsEntry(String manager, String operation, String apiVersion, Instant time, String subresource,
		FieldSet fields) {

	public static final String APPLY = "Apply";

	public static final String UPDATE = "Update";

	/** Kubernetes' order: Apply before Update, then oldest first, then by name. */
	static final Comparator<ManagedFieldsEntry> ORDER = Comparator.comparing(ManagedFieldsEntry::operation)
		.thenComparing(e -> e.time() == null ? 0L : e.time().getEpochSecond())
		.thenComparing(ManagedFieldsEntry::manager)
		.thenComparing(ManagedFieldsEntry::apiVersion)
		.thenComparing(ManagedFieldsEntry::subresource);

	/**
	 * Entries with the same identity are one entry: a manager's Apply and Update are two.
	 */
	Identity identity() {
		return new Identity(this.manager, this.operation, this.subresource);
	}

	ManagedFieldsEntry withFields(FieldSet fields) {
		return new ManagedFieldsEntry(this.manager, this.operation, this.apiVersion, this.time, this.subresource,
				fields);
	}

	static ManagedFieldsEntry decode(JsonNode node) {
		String time = node.path("time").asText("");
		return new ManagedFieldsEntry(node.path("manager").asText(""), node.path("operation").asText(""),
				node.path("apiVersion").asText(""), time.isEmpty() ? null : Instant.parse(time),
				node.path("subresource").asText(""), FieldSet.fromFieldsV1(node.get("fieldsV1")));
	}

	ObjectNode encode() {
		ObjectNode node = JsonNodeFactory.instance.objectNode();
		node.put("manager", this.manager);
		node.put("operation", this.operation);
		node.put("apiVersion", this.apiVersion);
		if (this.time != null) {
			node.put("time", DateTimeFormatter.ISO_INSTANT.format(this.time.truncatedTo(ChronoUnit.SECONDS)));
		}
		node.put("fieldsType", "FieldsV1");
		node.set("fieldsV1", this.fields.toFieldsV1());
		if (!this.subresource.isEmpty()) {
			node.put("subresource", this.subresource);
		}
		return node;
	}

	/**
	 * How conflict messages name the manager: {@code "kubectl" using apps/v1} for an
	 * Update, just {@code "kubectl"} for an Apply.
	 */
	String printed() {
		String printed = "\"" + this.manager + "\"";
		if (!this.subresource.isEmpty()) {
			printed += " with subresource \"" + this.subresource + "\"";
		}
		return UPDATE.equals(this.operation) ? printed + " using " + this.apiVersion : printed;
	}

	record Identity(String manager, String operation, String subresource) {
	}

}
