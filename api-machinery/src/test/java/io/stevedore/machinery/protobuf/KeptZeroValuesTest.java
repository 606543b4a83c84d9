package io.stevedore.machinery.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Events;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V2Autoscaling;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The table is hand-written from Go types: check it names real scalar fields. */
class KeptZeroValuesTest {

	private static final Map<String, Descriptor> MESSAGES = new HashMap<>();

	static {
		for (FileDescriptor file : List.of(Meta.getDescriptor(), V1.getDescriptor(), V1Apps.getDescriptor(),
				V1Batch.getDescriptor(), V1Networking.getDescriptor(), V1Coordination.getDescriptor(),
				V1Discovery.getDescriptor(), V1Events.getDescriptor(), V2Autoscaling.getDescriptor(),
				V1Autoscaling.getDescriptor(), V1Policy.getDescriptor(), V1Scheduling.getDescriptor(),
				V1Storage.getDescriptor())) {
			file.getMessageTypes().forEach(m -> MESSAGES.put(m.getFullName(), m));
		}
	}

	static Stream<Arguments> listedFields() {
		return KeptZeroValues.FIELDS.entrySet()
			.stream()
			.flatMap(e -> e.getValue().stream().map(f -> Arguments.of(e.getKey(), f)));
	}

	@ParameterizedTest(name = "{0}.{1}")
	@MethodSource("listedFields")
	void namesAnExistingScalarOrIntOrStringField(String message, String field) {
		Descriptor type = MESSAGES.get(message);
		assertThat(type).as("message %s", message).isNotNull();
		FieldDescriptor descriptor = type.findFieldByName(field);
		assertThat(descriptor).as("field %s.%s", message, field).isNotNull();
		assertThat(descriptor.isRepeated()).isFalse();
		if (descriptor.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
			assertThat(descriptor.getMessageType().getName()).isEqualTo("IntOrString");
		}
		assertThat(KeptZeroValues.keeps(descriptor)).isTrue();
	}

}
