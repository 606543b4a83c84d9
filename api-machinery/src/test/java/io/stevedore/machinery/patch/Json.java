package io.stevedore.machinery.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Test fixtures written as YAML or JSON text. */
final class Json {

	private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

	private Json() {
	}

	static JsonNode yaml(String text) {
		try {
			JsonNode node = YAML.readTree(text);
			return node == null || node.isMissingNode() ? YAML.createObjectNode() : node;
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
