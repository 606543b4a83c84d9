package io.stevedore.machinery.apply;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.stevedore.machinery.schema.SchemaNode;
import org.junit.jupiter.api.Test;

import static io.stevedore.machinery.apply.Fixtures.DEPLOYMENT;
import static io.stevedore.machinery.apply.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison the field manager takes ownership from: equal subtrees are skipped
 * without a walk, and what remains must be exactly what changed.
 */
class TypedFieldsCompareTest {

	@Test
	void aBindLikeChangeReportsOnlyTheFieldsItTouches() {
		JsonNode before = yaml("""
				apiVersion: v1
				kind: Pod
				metadata: {name: p, labels: {app: web}}
				spec:
				  containers: [{name: c, image: busybox, ports: [{containerPort: 80}]}]
				status:
				  conditions: [{type: Ready, status: "False"}]
				""");
		ObjectNode after = before.deepCopy();
		((ObjectNode) after.get("spec")).put("nodeName", "n1");
		((ObjectNode) after.get("status").get("conditions").get(0)).put("status", "True");
		((ArrayNode) after.get("status").get("conditions")).addObject()
			.put("type", "PodScheduled")
			.put("status", "True");

		TypedFields.Comparison c = TypedFields.compare(before, after, SchemaNode.root(Pod.class));

		assertThat(c.added()).isEqualTo(set("""
				f:spec: {f:nodeName: {}}
				f:status:
				  f:conditions:
				    'k:{"type":"PodScheduled"}': {.: {}, f:status: {}, f:type: {}}
				"""));
		assertThat(c.modified()).isEqualTo(set("""
				f:status: {f:conditions: {'k:{"type":"Ready"}': {f:status: {}}}}
				"""));
		assertThat(c.removed().isEmpty()).isTrue();
	}

	@Test
	void removalsBesideEqualSiblingsAreReported() {
		JsonNode before = yaml(DEPLOYMENT);
		ObjectNode after = before.deepCopy();
		((ObjectNode) after.get("metadata")).remove("labels");

		TypedFields.Comparison c = TypedFields.compare(before, after, SchemaNode.root(Deployment.class));

		assertThat(c.removed()).isEqualTo(set("""
				f:metadata: {f:labels: {.: {}, f:app: {}}}
				"""));
		assertThat(c.added().isEmpty()).isTrue();
		assertThat(c.modified().isEmpty()).isTrue();
	}

	@Test
	void equalObjectsCompareEmptyAndACreateAddsEverything() {
		JsonNode deployment = yaml(DEPLOYMENT);
		TypedFields.Comparison same = TypedFields.compare(deployment, deployment.deepCopy(),
				SchemaNode.root(Deployment.class));
		assertThat(same.changed().isEmpty()).isTrue();
		assertThat(same.removed().isEmpty()).isTrue();

		TypedFields.Comparison created = TypedFields.compare(JsonNodeFactory.instance.objectNode(), deployment,
				SchemaNode.root(Deployment.class));
		assertThat(created.added()
			.has(List.of("f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:image")))
			.isTrue();
		assertThat(created.added().has(List.of("f:metadata", "f:labels"))).isTrue();
		assertThat(created.added().has(List.of("f:spec"))).isFalse();
		assertThat(created.removed().isEmpty()).isTrue();
		assertThat(created.modified().isEmpty()).isTrue();
	}

	@Test
	void numbersCompareByValueWhateverTheirJsonForm() {
		JsonNode before = yaml("""
				apiVersion: apps/v1
				kind: Deployment
				metadata: {name: d}
				spec: {replicas: 3, minReadySeconds: 5}
				""");
		ObjectNode after = before.deepCopy();
		((ObjectNode) after.get("spec")).put("replicas", 3L).put("minReadySeconds", 5.0);
		assertThat(TypedFields.compare(before, after, SchemaNode.root(Deployment.class)).changed().isEmpty()).isTrue();

		((ObjectNode) after.get("spec")).put("replicas", 4L);
		assertThat(TypedFields.compare(before, after, SchemaNode.root(Deployment.class)).modified())
			.isEqualTo(set("f:spec: {f:replicas: {}}"));
	}

	private static FieldSet set(String fieldsV1) {
		return FieldSet.fromFieldsV1(yaml(fieldsV1));
	}

}
