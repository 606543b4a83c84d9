package io.stevedore.machinery.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import com.google.protobuf.Descriptors.Descriptor;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProtobufKindsTest {

	private final ProtobufKinds kinds = ProtobufKinds.standard();

	static Stream<ResourceType> registryTypes() {
		return ResourceRegistry.standard().all().stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("registryTypes")
	void everyRegisteredKindResolvesToItsKubernetesMessage(ResourceType type) {
		String protoPackage = "k8s.io.api." + ProtobufKinds.goPackage(type.group()) + "." + type.version();

		assertThat(this.kinds.find(type.apiVersion(), type.kind())).get()
			.extracting(Descriptor::getFullName)
			.isEqualTo(protoPackage + "." + type.kind());
	}

	@Test
	void noRegisteredKindIsLeftUnresolved() {
		assertThat(this.kinds.unresolved()).isEmpty();
	}

	static Stream<Arguments> extraKinds() {
		return Stream.of(
				Arguments.of("meta.k8s.io/v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
				Arguments.of("apps/v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
				Arguments.of("v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
				Arguments.of("v1", "Binding", "k8s.io.api.core.v1.Binding"),
				Arguments.of("policy/v1", "Eviction", "k8s.io.api.policy.v1.Eviction"),
				Arguments.of("autoscaling/v1", "Scale", "k8s.io.api.autoscaling.v1.Scale"));
	}

	@ParameterizedTest(name = "{0} {1} is {2}")
	@MethodSource("extraKinds")
	void deleteOptionsAndSubresourceBodiesResolve(String apiVersion, String kind, String message) {
		assertThat(this.kinds.find(apiVersion, kind)).get().extracting(Descriptor::getFullName).isEqualTo(message);
	}

	@Test
	void aKindIsOnlyServedInItsOwnGroupVersion() {
		assertThat(this.kinds.find("v1", "Deployment")).isEmpty();
		assertThat(this.kinds.find("apps/v1beta1", "Deployment")).isEmpty();
		assertThat(this.kinds.find("apps/v1", "deployment")).isEmpty();
	}

	@Test
	void namesFollowTheOfficialJavaClientsOuterClasses() {
		assertThat(ProtobufKinds.javaOuterClass("", "v1")).isEqualTo("io.kubernetes.client.proto.V1");
		assertThat(ProtobufKinds.javaOuterClass("rbac.authorization.k8s.io", "v1"))
			.isEqualTo("io.kubernetes.client.proto.V1Rbac");
		assertThat(ProtobufKinds.javaOuterClass("autoscaling", "v2"))
			.isEqualTo("io.kubernetes.client.proto.V2Autoscaling");
	}

}
