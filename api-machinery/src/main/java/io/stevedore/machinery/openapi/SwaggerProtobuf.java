package io.stevedore.machinery.openapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;

/**
 * The Swagger 2.0 document in the protobuf form kubectl asks {@code /openapi/v2} for
 * ({@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}): gnostic's
 * {@code openapi.v2.Document} message, which client-go unmarshals and kube-openapi reads
 * definitions (kubectl explain --output=plaintext-openapiv2, client-side validation) and
 * paths (the fieldValidation check of kubectls older than 1.27) from.
 *
 * <p>
 * Written field by field with protobuf-java's wire encoder, over the JSON tree that
 * {@link OpenApi} renders, for the parts of the schema that tree uses: document, info,
 * paths and operations, body / query / path / header parameters, responses, schemas, the
 * API-key security definition, and {@code x-*} extensions, which gnostic keeps as
 * {@code NamedAny} with the value's YAML text (JSON is YAML; kube-openapi parses it back
 * with a YAML decoder). Field numbers are those of gnostic's OpenAPIv2.proto.
 */
final class SwaggerProtobuf {

	private SwaggerProtobuf() {
	}

	static byte[] encode(JsonNode document) {
		Message doc = new Message();
		doc.string(1, document.get("swagger"));
		if (document.has("info")) {
			JsonNode info = document.get("info");
			doc.message(2,
					new Message().string(1, info.get("title"))
						.string(2, info.get("version"))
						.string(3, info.get("description")));
		}
		doc.strings(6, document.get("consumes"));
		doc.strings(7, document.get("produces"));
		if (document.has("paths")) {
			Message paths = new Message();
			extensions(paths, 1, document.get("paths"));
			for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
				if (!path.getKey().startsWith("x-")) {
					paths.message(2, named(path.getKey(), pathItem(path.getValue())));
				}
			}
			doc.message(8, paths);
		}
		if (document.has("definitions")) {
			doc.message(9, namedSchemas(document.get("definitions")));
		}
		for (JsonNode requirement : document.path("security")) {
			Message named = new Message();
			for (Map.Entry<String, JsonNode> scheme : requirement.properties()) {
				named.message(1, named(scheme.getKey(), new Message().strings(1, scheme.getValue())));
			}
			doc.message(12, named);
		}
		if (document.has("securityDefinitions")) {
			Message definitions = new Message();
			for (Map.Entry<String, JsonNode> scheme : document.get("securityDefinitions").properties()) {
				JsonNode value = scheme.getValue();
				if ("apiKey".equals(value.path("type").asText())) {
					Message apiKey = new Message().string(1, value.get("type"))
						.string(2, value.get("name"))
						.string(3, value.get("in"))
						.string(4, value.get("description"));
					definitions.message(1, named(scheme.getKey(), new Message().message(2, apiKey)));
				}
			}
			doc.message(13, definitions);
		}
		extensions(doc, 16, document);
		return doc.bytes();
	}

	private static Message pathItem(JsonNode item) {
		Message message = new Message();
		message.string(1, item.get("$ref"));
		String[] methods = { "get", "put", "post", "delete", "options", "head", "patch" };
		for (int i = 0; i < methods.length; i++) {
			if (item.has(methods[i])) {
				message.message(2 + i, operation(item.get(methods[i])));
			}
		}
		for (JsonNode parameter : item.path("parameters")) {
			message.message(9, parametersItem(parameter));
		}
		extensions(message, 10, item);
		return message;
	}

	private static Message operation(JsonNode operation) {
		Message message = new Message().strings(1, operation.get("tags"))
			.string(2, operation.get("summary"))
			.string(3, operation.get("description"))
			.string(5, operation.get("operationId"))
			.strings(6, operation.get("produces"))
			.strings(7, operation.get("consumes"));
		for (JsonNode parameter : operation.path("parameters")) {
			message.message(8, parametersItem(parameter));
		}
		if (operation.has("responses")) {
			Message responses = new Message();
			for (Map.Entry<String, JsonNode> code : operation.get("responses").properties()) {
				JsonNode response = code.getValue();
				Message value = new Message().string(1, response.get("description"));
				if (response.has("schema")) {
					value.message(2, new Message().message(1, schema(response.get("schema"))));
				}
				responses.message(1, named(code.getKey(), new Message().message(1, value)));
			}
			message.message(9, responses);
		}
		message.strings(10, operation.get("schemes")).bool(11, operation.get("deprecated"));
		extensions(message, 13, operation);
		return message;
	}

	/** ParametersItem: a reference, or a body parameter, or one of the non-body kinds. */
	private static Message parametersItem(JsonNode parameter) {
		if (parameter.has("$ref")) {
			return new Message().message(2, new Message().string(1, parameter.get("$ref")));
		}
		String in = parameter.path("in").asText();
		if (in.equals("body")) {
			Message body = new Message().string(1, parameter.get("description"))
				.string(2, parameter.get("name"))
				.string(3, parameter.get("in"))
				.bool(4, parameter.get("required"));
			if (parameter.has("schema")) {
				body.message(5, schema(parameter.get("schema")));
			}
			extensions(body, 6, parameter);
			return new Message().message(1, new Message().message(1, body));
		}
		// sub-schema: required, in, description, name, then the primitive fields; query
		// and
		// form data have allowEmptyValue (5) before them, shifting every later number by
		// one
		boolean allowsEmpty = in.equals("query") || in.equals("formData");
		int shift = allowsEmpty ? 1 : 0;
		Message sub = new Message().bool(1, parameter.get("required"))
			.string(2, parameter.get("in"))
			.string(3, parameter.get("description"))
			.string(4, parameter.get("name"));
		if (allowsEmpty) {
			sub.bool(5, parameter.get("allowEmptyValue"));
		}
		sub.string(5 + shift, parameter.get("type"))
			.string(6 + shift, parameter.get("format"))
			.string(8 + shift, parameter.get("collectionFormat"))
			.bool(19 + shift, parameter.get("uniqueItems"));
		extensions(sub, 22 + shift, parameter);
		int kind = switch (in) {
			case "header" -> 1;
			case "formData" -> 2;
			case "query" -> 3;
			default -> 4;
		};
		return new Message().message(1, new Message().message(2, new Message().message(kind, sub)));
	}

	private static Message schema(JsonNode schema) {
		Message message = new Message().string(1, schema.get("$ref"))
			.string(2, schema.get("format"))
			.string(3, schema.get("title"))
			.string(4, schema.get("description"));
		if (schema.has("default")) {
			message.message(5, any(schema.get("default")));
		}
		message.strings(19, schema.get("required"));
		for (JsonNode value : schema.path("enum")) {
			message.message(20, any(value));
		}
		JsonNode additional = schema.get("additionalProperties");
		if (additional != null && additional.isObject()) {
			message.message(21, new Message().message(1, schema(additional)));
		}
		else if (additional != null && additional.isBoolean()) {
			message.message(21, new Message().bool(2, additional));
		}
		if (schema.has("type")) {
			message.message(22, new Message().strings(1, schema.get("type")));
		}
		if (schema.has("items")) {
			Message items = new Message();
			JsonNode value = schema.get("items");
			if (value.isArray()) {
				value.forEach((item) -> items.message(1, schema(item)));
			}
			else {
				items.message(1, schema(value));
			}
			message.message(23, items);
		}
		for (JsonNode part : schema.path("allOf")) {
			message.message(24, schema(part));
		}
		if (schema.has("properties")) {
			message.message(25, namedSchemas(schema.get("properties")));
		}
		message.bool(27, schema.get("readOnly"));
		extensions(message, 31, schema);
		return message;
	}

	/** Definitions and Properties share the shape: repeated NamedSchema at field 1. */
	private static Message namedSchemas(JsonNode schemas) {
		Message message = new Message();
		for (Map.Entry<String, JsonNode> named : schemas.properties()) {
			message.message(1, named(named.getKey(), schema(named.getValue())));
		}
		return message;
	}

	private static void extensions(Message message, int field, JsonNode node) {
		for (Map.Entry<String, JsonNode> property : node.properties()) {
			if (property.getKey().startsWith("x-")) {
				message.message(field, named(property.getKey(), any(property.getValue())));
			}
		}
	}

	/**
	 * gnostic's Any: the value as YAML text (field 2), written as JSON so that a string
	 * such as "true" stays a string.
	 */
	private static Message any(JsonNode value) {
		return new Message().string(2, value.toString());
	}

	/** The Named* pair messages: name (1) and value (2). */
	private static Message named(String name, Message value) {
		return new Message().string(1, name).message(2, value);
	}

	/** One message being written; fields in the order they are added. */
	private static final class Message {

		private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

		private final CodedOutputStream out = CodedOutputStream.newInstance(this.buffer);

		Message string(int field, JsonNode value) {
			if (value != null && !value.isNull()) {
				write(() -> this.out.writeString(field, value.asText()));
			}
			return this;
		}

		Message string(int field, String value) {
			write(() -> this.out.writeString(field, value));
			return this;
		}

		/** A repeated string: an array's elements, or a single string. */
		Message strings(int field, JsonNode values) {
			if (values != null && values.isArray()) {
				values.forEach((value) -> string(field, value));
			}
			else {
				string(field, values);
			}
			return this;
		}

		Message bool(int field, JsonNode value) {
			// proto3 leaves false out
			if (value != null && value.asBoolean()) {
				write(() -> this.out.writeBool(field, true));
			}
			return this;
		}

		Message message(int field, Message value) {
			byte[] bytes = value.bytes();
			write(() -> this.out.writeByteArray(field, bytes));
			return this;
		}

		byte[] bytes() {
			write(this.out::flush);
			return this.buffer.toByteArray();
		}

		private void write(Write write) {
			try {
				write.run();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("writing to memory", ex);
			}
		}

		private interface Write {

			void run() throws IOException;

		}

	}

}
