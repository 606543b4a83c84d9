package io.stevedore.machinery.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** Objects as a user writes them: YAML. */
final class Fixtures {

	private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

	static final String DEPLOYMENT = """
			apiVersion: apps/v1
			kind: Deployment
			metadata: {name: web, namespace: default, labels: {app: web}}
			spec:
			  replicas: 3
			  selector: {matchLabels: {app: web}}
			  template:
			    metadata: {labels: {app: web}}
			    spec:
			      containers:
			      - name: web
			        image: nginx:1.25
			        ports: [{containerPort: 80}]
			""";

	private Fixtures() {
	}

	static JsonNode yaml(String text) {
		try {
			return YAML.readTree(text);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/** The FieldsV1 of the entry of {@code manager} and {@code operation}, or null. */
	static JsonNode fieldsOf(JsonNode object, String manager, String operation) {
		for (JsonNode entry : object.path("metadata").path("managedFields")) {
			if (entry.path("manager").asText().equals(manager) && entry.path("operation").asText().equals(operation)) {
				return entry.get("fieldsV1");
			}
		}
		return null;
	}

	static JsonNode entryOf(JsonNode object, String manager) {
		for (JsonNode entry : object.path("metadata").path("managedFields")) {
			if (entry.path("manager").asText().equals(manager)) {
				return entry;
			}
		}
		return null;
	}

}
