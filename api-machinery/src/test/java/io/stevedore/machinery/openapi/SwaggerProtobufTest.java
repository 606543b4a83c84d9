package io.stevedore.machinery.openapi;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import org.junit.jupiter.api.Test;

import io.stevedore.machinery.registry.ResourceRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protobuf /openapi/v2 read back by field number (gnostic's OpenAPIv2.proto), without
 * generated classes: what kube-openapi finds where it looks.
 */
class SwaggerProtobufTest {

	static final UnknownFieldSet DOCUMENT = parse(ByteString.copyFrom(
			SwaggerProtobuf.encode(readTree(OpenApi.of(ResourceRegistry.standard(), () -> OpenApiTest.descriptions("""
					{"definitions": {"io.k8s.api.apps.v1.DeploymentSpec":
					  {"properties": {"strategy": "The strategy."}}}}""")).v2()))));

	static com.fasterxml.jackson.databind.JsonNode readTree(byte[] json) {
		try {
			return new ObjectMapper().readTree(json);
		}
		catch (java.io.IOException ex) {
			throw new AssertionError(ex);
		}
	}

	static UnknownFieldSet parse(ByteString bytes) {
		try {
			return UnknownFieldSet.parseFrom(bytes);
		}
		catch (InvalidProtocolBufferException ex) {
			throw new AssertionError(ex);
		}
	}

	static List<UnknownFieldSet> messages(UnknownFieldSet message, int field) {
		return message.getField(field).getLengthDelimitedList().stream().map(SwaggerProtobufTest::parse).toList();
	}

	static UnknownFieldSet message(UnknownFieldSet message, int field) {
		List<UnknownFieldSet> all = messages(message, field);
		assertThat(all).as("field " + field).hasSize(1);
		return all.get(0);
	}

	static String string(UnknownFieldSet message, int field) {
		List<ByteString> values = message.getField(field).getLengthDelimitedList();
		return values.isEmpty() ? null : values.get(0).toStringUtf8();
	}

	/**
	 * The value (2) of the Named* pair whose name (1) is given, among a repeated field.
	 */
	static Optional<UnknownFieldSet> named(UnknownFieldSet message, int field, String name) {
		return messages(message, field).stream()
			.filter((pair) -> name.equals(string(pair, 1)))
			.findFirst()
			.map((pair) -> message(pair, 2));
	}

	@Test
	void documentHeaderAndDefinitionsWithReferencesDescriptionsAndExtensions() {
		assertThat(string(DOCUMENT, 1)).isEqualTo("2.0");
		assertThat(string(message(DOCUMENT, 2), 1)).isEqualTo("Kubernetes");
		UnknownFieldSet definitions = message(DOCUMENT, 9);
		UnknownFieldSet spec = named(definitions, 1, "io.k8s.api.apps.v1.DeploymentSpec").orElseThrow();
		assertThat(string(message(spec, 22), 1)).isEqualTo("object");
		assertThat(spec.getField(19).getLengthDelimitedList()).extracting(ByteString::toStringUtf8)
			.containsExactly("selector", "template");
		UnknownFieldSet strategy = named(message(spec, 25), 1, "strategy").orElseThrow();
		assertThat(string(strategy, 1)).isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentStrategy");
		assertThat(string(strategy, 4)).isEqualTo("The strategy.");
		// vendor extensions are NamedAny whose Any carries the value as YAML (field 2)
		assertThat(string(named(strategy, 31, "x-kubernetes-patch-strategy").orElseThrow(), 2))
			.isEqualTo("\"retainKeys\"");
		UnknownFieldSet deployment = named(definitions, 1, "io.k8s.api.apps.v1.Deployment").orElseThrow();
		assertThat(string(named(deployment, 31, "x-kubernetes-group-version-kind").orElseThrow(), 2))
			.isEqualTo("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]");
		UnknownFieldSet containers = named(
				message(named(definitions, 1, "io.k8s.api.core.v1.PodSpec").orElseThrow(), 25), 1, "containers")
			.orElseThrow();
		assertThat(string(message(containers, 22), 1)).isEqualTo("array");
		assertThat(string(message(message(containers, 23), 1), 1))
			.isEqualTo("#/definitions/io.k8s.api.core.v1.Container");
		UnknownFieldSet labels = named(
				message(named(definitions, 1, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").orElseThrow(), 25), 1,
				"labels")
			.orElseThrow();
		assertThat(string(message(message(message(labels, 21), 1), 22), 1)).isEqualTo("string");
	}

	@Test
	void pathsCarryOperationsParametersAndTheirGroupVersionKind() {
		UnknownFieldSet item = named(message(DOCUMENT, 8), 2, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
			.orElseThrow();
		UnknownFieldSet patch = message(item, 8);
		assertThat(string(patch, 5)).isEqualTo("patchAppsV1NamespacedDeployment");
		assertThat(patch.getField(7).getLengthDelimitedList()).extracting(ByteString::toStringUtf8)
			.contains("application/strategic-merge-patch+json");
		assertThat(string(named(patch, 13, "x-kubernetes-group-version-kind").orElseThrow(), 2))
			.contains("\"kind\":\"Deployment\"");
		// ParametersItem.parameter -> Parameter.non_body_parameter -> query sub-schema
		// (name 4)
		List<String> queries = messages(patch, 8).stream()
			.map((p) -> message(p, 1))
			.filter((parameter) -> parameter.hasField(2))
			.map((parameter) -> message(parameter, 2))
			.filter((nonBody) -> nonBody.hasField(3))
			.map((nonBody) -> string(message(nonBody, 3), 4))
			.toList();
		assertThat(queries).contains("fieldValidation", "fieldManager", "dryRun", "force");
		// the body parameter (Parameter.body_parameter, schema 5)
		UnknownFieldSet body = messages(patch, 8).stream()
			.map((p) -> message(p, 1))
			.filter((parameter) -> parameter.hasField(1))
			.map((parameter) -> message(parameter, 1))
			.findFirst()
			.orElseThrow();
		assertThat(string(body, 2)).isEqualTo("body");
		assertThat(string(message(body, 5), 1)).isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
		// path-level parameters (PathItem 9): the path sub-schema (NonBodyParameter 4)
		List<String> pathParameters = messages(item, 9).stream()
			.map((p) -> message(message(p, 1), 2))
			.filter((nonBody) -> nonBody.hasField(4))
			.map((nonBody) -> string(message(nonBody, 4), 4))
			.toList();
		assertThat(pathParameters).contains("name", "namespace");
	}

}
