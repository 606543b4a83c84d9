package io.stevedore.machinery.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes' generated.proto names fields after their JSON names; this walks every
 * served kind's message next to its fabric8 model class and lists the proto fields the
 * model does not know.
 */
class ProtobufFieldNamesTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	/**
	 * Fields of Kubernetes 1.35's protos that the fabric8 model does not have yet; a
	 * client sending them gets them reported as unknown, as with JSON.
	 */
	private static final List<String> NEWER_THAN_THE_MODEL = List
		.of("k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerCondition.observedGeneration");

	@Test
	void protoFieldNamesAreTheJsonNamesOfTheFabric8Model() {
		List<String> unknown = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (ResourceType type : ResourceRegistry.standard().all()) {
			Descriptor message = ProtobufKinds.standard().find(type.apiVersion(), type.kind()).orElseThrow();
			walk(message, JSON.constructType(type.javaType()), unknown, seen);
		}
		assertThat(unknown.stream().distinct()).containsExactlyInAnyOrderElementsOf(NEWER_THAN_THE_MODEL);
	}

	private static void walk(Descriptor message, JavaType model, List<String> unknown, Set<String> seen) {
		if (!seen.add(message.getFullName() + " " + model)) {
			return;
		}
		Map<String, JavaType> properties = JSON.getSerializationConfig()
			.introspect(model)
			.findProperties()
			.stream()
			.collect(Collectors.toMap(BeanPropertyDefinition::getName, p -> p.getPrimaryType(), (a, b) -> a));
		for (FieldDescriptor field : message.getFields()) {
			if (ProtobufToJson.isInline(field)) {
				walk(field.getMessageType(), model, unknown, seen);
				continue;
			}
			String name = ProtobufToJson.jsonName(field);
			JavaType property = properties.get(name);
			if (property == null) {
				unknown.add(message.getFullName() + "." + field.getName());
				continue;
			}
			if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
					|| ProtobufToJson.marshalsItself(field.getMessageType())) {
				continue;
			}
			Descriptor nested = field.getMessageType();
			JavaType element = property;
			if (field.isMapField()) {
				element = property.getContentType();
				FieldDescriptor value = nested.findFieldByName("value");
				if (value.getJavaType() != FieldDescriptor.JavaType.MESSAGE
						|| ProtobufToJson.marshalsItself(value.getMessageType())) {
					continue;
				}
				nested = value.getMessageType();
			}
			else if (field.isRepeated()) {
				element = property.getContentType();
			}
			if (element.getRawClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
				walk(nested, element, unknown, seen);
			}
		}
	}

}
