package io.stevedore.machinery.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' documentation of its API types, by OpenAPI definition name: one text per
 * type and per JSON field. fabric8's model classes carry none, so without these
 * {@code kubectl explain} prints fields and types but no DESCRIPTION.
 *
 * <p>
 * Read from a JSON document {@code {"definitions":
 * {"io.k8s.api.apps.v1.DeploymentStrategy": {"description": "...", "properties":
 * {"rollingUpdate": "..."}}}}} (apiserver-service ships one, made by
 * {@code scripts/openapi-descriptions.py}). An instance is only needed while the OpenAPI
 * documents are rendered: the texts end up in the rendered bytes, and the map can be
 * collected afterwards.
 */
public final class Descriptions {

	private static final ObjectMapper MAPPER = new ObjectMapper()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

	private static final Descriptions NONE = new Descriptions(Map.of());

	private static final String ENUM_LIST = "Possible enum values:";

	private final Map<String, Definition> definitions;

	/**
	 * One definition's texts, and of its enum fields the values and the "Possible enum
	 * values" list that Kubernetes' OpenAPI 3 texts end with; any may be absent.
	 */
	record Definition(String description, Map<String, String> properties, Map<String, List<String>> enums,
			Map<String, String> enumTexts) {
	}

	private record Document(Map<String, Definition> definitions) {
	}

	private Descriptions(Map<String, Definition> definitions) {
		this.definitions = definitions;
	}

	/** No texts: documents keep the few generic ones the generator writes. */
	public static Descriptions none() {
		return NONE;
	}

	/** Reads the JSON document; the caller closes the stream. */
	public static Descriptions fromJson(InputStream json) {
		try {
			Document document = MAPPER.readValue(json, Document.class);
			return new Descriptions(document.definitions() == null ? Map.of() : document.definitions());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("unreadable OpenAPI descriptions", ex);
		}
	}

	/**
	 * Reads a gzip-compressed JSON document from the class path.
	 * @param anchor a class whose loader sees the resource
	 * @param resource an absolute resource name, e.g.
	 * {@code /openapi/descriptions.json.gz}
	 * @throws IllegalStateException when the resource is missing: a packaging defect
	 */
	public static Descriptions fromGzipResource(Class<?> anchor, String resource) {
		InputStream raw = anchor.getResourceAsStream(resource);
		if (raw == null) {
			throw new IllegalStateException("missing class path resource " + resource);
		}
		try (InputStream json = new GZIPInputStream(raw, 64 * 1024)) {
			return fromJson(json);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("unreadable OpenAPI descriptions " + resource, ex);
		}
	}

	String ofType(String definition) {
		Definition found = this.definitions.get(definition);
		return found == null ? null : found.description();
	}

	String ofField(String definition, String field) {
		Definition found = this.definitions.get(definition);
		return (found == null || found.properties() == null) ? null : found.properties().get(field);
	}

	List<String> enumOf(String definition, String field) {
		Definition found = this.definitions.get(definition);
		return (found == null || found.enums() == null) ? null : found.enums().get(field);
	}

	/**
	 * A field's text for the dialect: OpenAPI 3 texts of enum fields end with the list of
	 * values, Swagger 2 ones do not (as Kubernetes serves them).
	 */
	String ofField(String definition, String field, Dialect dialect) {
		String text = ofField(definition, field);
		Definition found = this.definitions.get(definition);
		String values = (found == null || found.enumTexts() == null) ? null : found.enumTexts().get(field);
		if (dialect != Dialect.V3 || text == null || values == null || text.contains(ENUM_LIST)) {
			return text;
		}
		return text + "\n\n" + values;
	}

	/**
	 * Puts the texts on the generated definitions and their properties, replacing the
	 * generator's generic ones ("Standard object's metadata") where Kubernetes has its
	 * own. In OpenAPI 3 a {@code $ref} ignores its siblings, so a described reference is
	 * wrapped in {@code allOf} as Kubernetes does; Swagger 2 keeps the sibling. OpenAPI 3
	 * string fields also get their {@code enum}, as in Kubernetes' /openapi/v3 (kubectl
	 * explain prints it), Swagger 2 not.
	 */
	void attach(Map<String, ObjectNode> generated, Dialect dialect) {
		generated.forEach((name, definition) -> {
			String description = ofType(name);
			if (description != null) {
				definition.put("description", description);
			}
			JsonNode properties = definition.get("properties");
			if (properties instanceof ObjectNode fields) {
				for (Map.Entry<String, JsonNode> field : fields.properties()) {
					String text = ofField(name, field.getKey(), dialect);
					if (text != null && field.getValue() instanceof ObjectNode property) {
						fields.set(field.getKey(), described(property, text, dialect));
					}
					List<String> values = enumOf(name, field.getKey());
					if (values != null && dialect == Dialect.V3
							&& fields.get(field.getKey()) instanceof ObjectNode property) {
						enumerate(property, values);
					}
				}
			}
		});
	}

	/** The enum goes on a string, or on the strings of an array. */
	private static void enumerate(ObjectNode property, List<String> values) {
		ObjectNode strings = "array".equals(property.path("type").asText())
				&& property.get("items") instanceof ObjectNode items ? items : property;
		if ("string".equals(strings.path("type").asText())) {
			values.forEach(strings.putArray("enum")::add);
		}
	}

	private static ObjectNode described(ObjectNode property, String text, Dialect dialect) {
		ObjectNode node = property;
		if (dialect == Dialect.V3 && property.has("$ref")) {
			node = JsonNodeFactory.instance.objectNode();
			node.putArray("allOf").addObject().set("$ref", property.get("$ref"));
			for (Map.Entry<String, JsonNode> sibling : property.properties()) {
				if (!sibling.getKey().equals("$ref")) {
					node.set(sibling.getKey(), sibling.getValue());
				}
			}
		}
		node.put("description", text);
		return node;
	}

}
