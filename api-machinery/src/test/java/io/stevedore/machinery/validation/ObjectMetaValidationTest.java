package io.stevedore.machinery.validation;

import static io.stevedore.machinery.validation.Manifests.messages;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.stevedore.machinery.registry.ResourceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ObjectMetaValidationTest {

	private static ConfigMap configMap(Consumer<ObjectMeta> change) {
		ConfigMap cm = new ConfigMapBuilder().withNewMetadata()
			.withName("settings")
			.withNamespace("default")
			.endMetadata()
			.build();
		change.accept(cm.getMetadata());
		return cm;
	}

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("a valid object has no errors", (Consumer<ObjectMeta>) m -> {
		}, List.of()),
				Arguments.of("a name with an underscore is not a subdomain",
						(Consumer<ObjectMeta>) m -> m.setName("Web_1"),
						List.of("metadata.name: Invalid value: \"Web_1\": " + NameValidationTest.SUBDOMAIN)),
				Arguments.of("a name or generateName is required", (Consumer<ObjectMeta>) m -> m.setName(null),
						List.of("metadata.name: Required value: name or generateName is required")),
				Arguments.of("a generateName may end with a dash", (Consumer<ObjectMeta>) m -> {
					m.setName(null);
					m.setGenerateName("settings-");
				}, List.of()), Arguments.of("a generateName is checked like a name", (Consumer<ObjectMeta>) m -> {
					m.setName(null);
					m.setGenerateName("Bad_");
				}, List.of("metadata.generateName: Invalid value: \"Bad_\": " + NameValidationTest.SUBDOMAIN)),
				Arguments.of("a namespaced object needs a namespace", (Consumer<ObjectMeta>) m -> m.setNamespace(null),
						List.of("metadata.namespace: Required value")),
				Arguments.of("a label key is a qualified name",
						(Consumer<ObjectMeta>) m -> m.setLabels(Map.of("-app", "web")),
						List.of("metadata.labels: Invalid value: \"-app\": " + NameValidationTest.QUALIFIED_NAME_PART)),
				Arguments.of("a label value is checked", (Consumer<ObjectMeta>) m -> m.setLabels(Map.of("app", "a b")),
						List.of("metadata.labels: Invalid value: \"a b\": " + NameValidationTest.LABEL_VALUE)),
				Arguments.of("annotation keys are case-insensitive qualified names",
						(Consumer<ObjectMeta>) m -> m.setAnnotations(Map.of("Example.com/Note", "x")), List.of()),
				Arguments.of("annotations are at most 256 KiB in total",
						(Consumer<ObjectMeta>) m -> m.setAnnotations(Map.of("note", "x".repeat(256 * 1024))),
						List.of("metadata.annotations: Too long: must have at most 262144 bytes")),
				Arguments.of("an owner reference needs apiVersion, kind, name and uid",
						(Consumer<ObjectMeta>) m -> m.setOwnerReferences(
								List.of(new OwnerReferenceBuilder().withApiVersion("apps/").withKind("").build())),
						List.of("metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
								"metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
								"metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
								"metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty")),
				Arguments.of("only one owner reference is the controller",
						(Consumer<ObjectMeta>) m -> m.setOwnerReferences(List.of(owner("a"), owner("b"))),
						List.of("metadata.ownerReferences: Invalid value: [ReplicaSet/a ReplicaSet/b]: Only one "
								+ "reference can have Controller set to true. Found \"true\" in references for "
								+ "ReplicaSet/a and ReplicaSet/b")),
				Arguments.of("finalizers are qualified names",
						(Consumer<ObjectMeta>) m -> m.setFinalizers(List.of("example.com/cleanup", "bad name")),
						List.of("metadata.finalizers: Invalid value: \"bad name\": "
								+ NameValidationTest.QUALIFIED_NAME_PART)));
	}

	private static io.fabric8.kubernetes.api.model.OwnerReference owner(String name) {
		return new OwnerReferenceBuilder().withApiVersion("apps/v1")
			.withKind("ReplicaSet")
			.withName(name)
			.withUid("uid-" + name)
			.withController(true)
			.build();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void checksMetadataAsKubernetes(String name, Consumer<ObjectMeta> change, List<String> expected) {
		ConfigMap cm = configMap(change);
		assertThat(Manifests.createErrors(cm)).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void aNamespaceNameIsADns1123Label() {
		Namespace ns = new NamespaceBuilder().withNewMetadata().withName("team.a").endMetadata().build();
		assertThat(Manifests.createErrors(ns))
			.containsExactly("metadata.name: Invalid value: \"team.a\": must not contain dots");
	}

	@Test
	void aClusterScopedObjectMayNotHaveANamespace() {
		Namespace ns = new NamespaceBuilder().withNewMetadata()
			.withName("team")
			.withNamespace("x")
			.endMetadata()
			.build();
		assertThat(Manifests.createErrors(ns))
			.containsExactly("metadata.namespace: Forbidden: not allowed on this type");
	}

	@Test
	void aServiceNameIsADns1035Label() {
		var svc = new ServiceBuilder().withNewMetadata()
			.withName("1web")
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withClusterIP("None")
			.withSessionAffinity("None")
			.withType("ClusterIP")
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(svc))
			.containsExactly("metadata.name: Invalid value: \"1web\": " + NameValidationTest.DNS1035);
	}

	@Test
	void anUpdateMayNotChangeIdentity() {
		ConfigMap old = configMap(m -> {
			m.setUid("u1");
			m.setCreationTimestamp("2024-01-01T00:00:00Z");
		});
		ConfigMap changed = configMap(m -> {
			m.setName("other");
			m.setUid("u2");
			m.setCreationTimestamp("2024-01-02T00:00:00Z");
		});
		assertThat(Manifests.updateErrors(changed, old)).containsExactly(
				"metadata.name: Invalid value: \"other\": field is immutable",
				"metadata.uid: Invalid value: \"u2\": field is immutable",
				"metadata.creationTimestamp: Invalid value: \"2024-01-02T00:00:00Z\": field is immutable");
	}

	@Test
	void noFinalizerMayBeAddedOnceDeletionStarted() {
		ConfigMap old = configMap(m -> m.setDeletionTimestamp("2024-01-01T00:00:00Z"));
		ConfigMap changed = configMap(m -> {
			m.setDeletionTimestamp("2024-01-01T00:00:00Z");
			m.setFinalizers(List.of("example.com/late"));
		});
		assertThat(messages(ObjectMetaValidation.validateUpdate(changed.getMetadata(), old.getMetadata())))
			.containsExactly("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
					+ "deleted, found new finalizers []string{\"example.com/late\"}");
	}

	@Test
	void kindsWithoutOwnRulesStillGetMetadataChecks() {
		var type = ResourceRegistry.standard().findByKind("", "ServiceAccount").orElseThrow();
		var sa = new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata()
			.withName("Bad_Name")
			.withNamespace("default")
			.endMetadata()
			.build();
		assertThat(messages(Validation.validateCreate(type, sa)))
			.containsExactly("metadata.name: Invalid value: \"Bad_Name\": " + NameValidationTest.SUBDOMAIN);
	}

}
