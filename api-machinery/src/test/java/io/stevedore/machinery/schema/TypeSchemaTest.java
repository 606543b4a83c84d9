package io.stevedore.machinery.schema;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TypeSchemaTest {

	static Stream<Arguments> listTags() {
		return Stream.of(arguments(PodSpec.class, "containers", ListType.MAP, List.of("name"), "name"),
				arguments(PodSpec.class, "volumes", ListType.MAP, List.of("name"), "name"),
				arguments(PodSpec.class, "tolerations", ListType.ATOMIC, List.of(), null),
				arguments(Container.class, "ports", ListType.MAP, List.of("containerPort", "protocol"),
						"containerPort"),
				arguments(Container.class, "env", ListType.MAP, List.of("name"), "name"),
				arguments(Container.class, "volumeMounts", ListType.MAP, List.of("mountPath"), "mountPath"),
				arguments(Container.class, "args", ListType.ATOMIC, List.of(), null),
				arguments(ServiceSpec.class, "ports", ListType.MAP, List.of("port", "protocol"), "port"),
				arguments(ObjectMeta.class, "finalizers", ListType.SET, List.of(), null),
				arguments(ObjectMeta.class, "ownerReferences", ListType.MAP, List.of("uid"), "uid"),
				arguments(DeploymentStatus.class, "conditions", ListType.MAP, List.of("type"), "type"));
	}

	@ParameterizedTest(name = "{0}.{1} is a {2} list keyed by {3}")
	@MethodSource("listTags")
	void listsCarryKubernetesTags(Class<?> owner, String field, ListType listType, List<String> keys, String mergeKey) {
		FieldSchema schema = TypeSchema.of(owner).field(field).orElseThrow();
		assertThat(schema.kind()).isEqualTo(FieldKind.LIST);
		assertThat(schema.listType()).isEqualTo(listType);
		assertThat(schema.listMapKeys()).isEqualTo(keys);
		assertThat(schema.patchMergeKey()).isEqualTo(mergeKey);
	}

	@Test
	void fieldsHaveJsonNamesKindsAndElementTypes() {
		TypeSchema pod = TypeSchema.of(PodSpec.class);
		FieldSchema containers = pod.field("containers").orElseThrow();
		assertThat(containers.elementKind()).isEqualTo(FieldKind.OBJECT);
		assertThat(containers.elementSchema().javaType()).isEqualTo(Container.class);
		assertThat(pod.field("nodeSelector").orElseThrow().kind()).isEqualTo(FieldKind.MAP);
		assertThat(pod.field("nodeSelector").orElseThrow().elementKind()).isEqualTo(FieldKind.SCALAR);
		assertThat(pod.field("securityContext").orElseThrow().kind()).isEqualTo(FieldKind.OBJECT);
		assertThat(pod.field("additionalProperties")).isEmpty();
		assertThat(TypeSchema.of(Container.class)
			.field("resources")
			.orElseThrow()
			.objectSchema()
			.field("limits")
			.orElseThrow()
			.elementKind()).as("Quantity is a scalar").isEqualTo(FieldKind.SCALAR);
	}

	@Test
	void selectorsAndServiceSelectorsAreAtomicAndStrategyKeepsRetainKeys() {
		assertThat(TypeSchema.of(DeploymentSpec.class).field("selector").orElseThrow().mapType())
			.isEqualTo(MapType.ATOMIC);
		assertThat(TypeSchema.of(ServiceSpec.class).field("selector").orElseThrow().mapType())
			.isEqualTo(MapType.ATOMIC);
		assertThat(TypeSchema.of(DeploymentSpec.class)
			.field("strategy")
			.orElseThrow()
			.hasPatchStrategy(PatchStrategy.RETAIN_KEYS)).isTrue();
		assertThat(TypeSchema.of(PodSpec.class).field("volumes").orElseThrow().patchStrategies())
			.containsExactlyInAnyOrder(PatchStrategy.MERGE, PatchStrategy.RETAIN_KEYS);
	}

	@Test
	void isCachedPerClass() {
		assertThat(TypeSchema.of(PodSpec.class)).isSameAs(TypeSchema.of(PodSpec.class));
	}

	@Test
	void refusesScalarTypes() {
		assertThatThrownBy(() -> TypeSchema.of(String.class)).hasMessageContaining("java.lang.String");
	}

	@Test
	void everyTypeReachableFromEveryServedResourceHasASchema() {
		Deque<Class<?>> todo = new ArrayDeque<>();
		ResourceRegistry.standard().all().stream().map(ResourceType::javaType).forEach(todo::add);
		Set<Class<?>> seen = new HashSet<>();
		while (!todo.isEmpty()) {
			Class<?> type = todo.pop();
			if (!seen.add(type)) {
				continue;
			}
			for (FieldSchema field : TypeSchema.of(type).fields()) {
				assertThat(field.jsonName()).as(type.getSimpleName()).isNotBlank();
				if (field.objectSchema() != null) {
					todo.add(field.javaType());
				}
				if (field.elementSchema() != null) {
					todo.add(field.elementType());
				}
			}
		}
		assertThat(seen).hasSizeGreaterThan(100);
	}

}
