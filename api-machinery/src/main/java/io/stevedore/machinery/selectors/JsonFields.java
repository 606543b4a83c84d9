package io.stevedore.machinery.selectors;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading field values the way Go reads them from a typed struct. */
final class JsonFields {

	private JsonFields() {
	}

	/** A string field; absent or null is Go's zero value, the empty string. */
	static String text(JsonNode node) {
		if (node.isTextual()) {
			return node.textValue();
		}
		return (node.isMissingNode() || node.isNull()) ? "" : node.asText();
	}

	/** A bool field as {@code strconv.FormatBool} prints it; absent is false. */
	static String bool(JsonNode node) {
		return node.asBoolean(false) ? "true" : "false";
	}

	/** An int32 field as {@code strconv.Itoa} prints it; absent is 0. */
	static String integer(JsonNode node) {
		return Integer.toString(node.asInt(0));
	}

}
