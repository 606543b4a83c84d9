package io.stevedore.gateway.authz;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The Node authorizer's graph rule: a node reads only what its pods reference. */
class NodeAuthorizerTest {

	static final UserInfo N1 = UserInfo.of("system:node:n1", List.of("system:nodes")).authenticated();

	static final Pod WEB = new PodBuilder().withNewMetadata()
		.withName("web")
		.withNamespace("default")
		.endMetadata()
		.withNewSpec()
		.withNodeName("n1")
		.addNewImagePullSecret("pull")
		.addNewVolume()
		.withName("v")
		.withNewSecret()
		.withSecretName("tls")
		.endSecret()
		.endVolume()
		.addNewVolume()
		.withName("p")
		.withNewProjected()
		.addNewSource()
		.withNewConfigMap()
		.withName("projected-cm")
		.endConfigMap()
		.endSource()
		.endProjected()
		.endVolume()
		.addNewVolume()
		.withName("data")
		.withNewPersistentVolumeClaim()
		.withClaimName("data")
		.endPersistentVolumeClaim()
		.endVolume()
		.addNewContainer()
		.withName("c")
		.addNewEnv()
		.withName("PASSWORD")
		.withNewValueFrom()
		.withNewSecretKeyRef()
		.withName("db")
		.withKey("password")
		.endSecretKeyRef()
		.endValueFrom()
		.endEnv()
		.addNewEnvFrom()
		.withNewConfigMapRef()
		.withName("settings")
		.endConfigMapRef()
		.endEnvFrom()
		.endContainer()
		.endSpec()
		.build();

	final NodeAuthorizer authorizer = new NodeAuthorizer(
			(namespace, node) -> "n1".equals(node) && "default".equals(namespace) ? List.of(WEB) : List.of());

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("a secret mounted by a pod on the node is left to RBAC", N1, get("secrets", "tls"), null),
				Arguments.of("an image pull secret of its pod is readable", N1, get("secrets", "pull"), null),
				Arguments.of("a secret referenced by env is readable", N1, get("secrets", "db"), null),
				Arguments.of("a config map from a projected volume is readable", N1, get("configmaps", "projected-cm"),
						null),
				Arguments.of("a config map from envFrom is readable", N1, get("configmaps", "settings"), null),
				Arguments.of("a claim of its pod is readable", N1, get("persistentvolumeclaims", "data"), null),
				Arguments.of("another secret is denied", N1, get("secrets", "other"),
						"no relationship found between node 'n1' and this object"),
				Arguments.of("a secret in another namespace is denied", N1,
						RequestInfo.resource("get", "", "kube-system", "secrets", "", "tls"),
						"no relationship found between node 'n1' and this object"),
				Arguments.of("listing secrets is denied", N1,
						RequestInfo.resource("list", "", "default", "secrets", "", ""),
						"can only get individual resources of this type"),
				Arguments.of("pods are left to RBAC", N1, get("pods", "web"), null),
				Arguments.of("a user named like a node but outside system:nodes is left to RBAC",
						UserInfo.of("system:node:n1", List.of()).authenticated(), get("secrets", "other"), null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void decides(String description, UserInfo user, RequestInfo request, String denial) {
		Optional<Decision> decision = this.authorizer.authorize(user, request);
		if (denial == null) {
			assertThat(decision).isEmpty();
		}
		else {
			assertThat(decision).hasValueSatisfying((d) -> {
				assertThat(d.allowed()).isFalse();
				assertThat(d.reason()).isEqualTo(denial);
			});
		}
	}

	static RequestInfo get(String resource, String name) {
		return RequestInfo.resource("get", "", "default", resource, "", name);
	}

}
