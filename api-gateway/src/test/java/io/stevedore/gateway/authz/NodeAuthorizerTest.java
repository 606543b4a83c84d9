package io.stevedore.gateway.authz;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Node authorizer's graph rule: a node reads only what its pods reference (and the
 * volumes bound to their claims), and asks tokens only for its pods' ServiceAccounts.
 */
class NodeAuthorizerTest {

	static final String NO_RELATIONSHIP = "no relationship found between node 'n1' and this object";

	static final UserInfo N1 = UserInfo.of("system:node:n1", List.of("system:nodes")).authenticated();

	static final Pod WEB = new PodBuilder().withNewMetadata()
		.withName("web")
		.withNamespace("default")
		.endMetadata()
		.withNewSpec()
		.withNodeName("n1")
		.withServiceAccountName("web-sa")
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

	/** A pod the node made itself: what it names grants nothing. */
	static final Pod MIRROR = new PodBuilder().withNewMetadata()
		.withName("static-web")
		.withNamespace("default")
		.addToAnnotations("kubernetes.io/config.mirror", "hash")
		.endMetadata()
		.withNewSpec()
		.withNodeName("n1")
		.withServiceAccountName("mirror-sa")
		.addNewVolume()
		.withName("v")
		.withNewSecret()
		.withSecretName("mirror-secret")
		.endSecret()
		.endVolume()
		.endSpec()
		.build();

	static final Map<String, PersistentVolume> VOLUMES = Map.of("pv-data", volume("pv-data", "default", "data"),
			"pv-other", volume("pv-other", "default", "other"), "pv-elsewhere",
			volume("pv-elsewhere", "kube-system", "data"), "pv-available", volume("pv-available", null, null));

	final NodeAuthorizer authorizer = new NodeAuthorizer(
			(namespace, node) -> "n1".equals(node) && "default".equals(namespace) ? List.of(WEB, MIRROR) : List.of(),
			VOLUMES::get);

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("a secret mounted by a pod on the node is left to RBAC", N1, get("secrets", "tls"), null),
				Arguments.of("an image pull secret of its pod is readable", N1, get("secrets", "pull"), null),
				Arguments.of("a secret referenced by env is readable", N1, get("secrets", "db"), null),
				Arguments.of("a config map from a projected volume is readable", N1, get("configmaps", "projected-cm"),
						null),
				Arguments.of("a config map from envFrom is readable", N1, get("configmaps", "settings"), null),
				Arguments.of("a claim of its pod is readable", N1, get("persistentvolumeclaims", "data"), null),
				Arguments.of("another secret is denied", N1, get("secrets", "other"), NO_RELATIONSHIP),
				Arguments.of("a secret in another namespace is denied", N1,
						RequestInfo.resource("get", "", "kube-system", "secrets", "", "tls"), NO_RELATIONSHIP),
				Arguments.of("listing secrets is denied", N1,
						RequestInfo.resource("list", "", "default", "secrets", "", ""),
						"can only get individual resources of this type"),
				Arguments.of("pods are left to RBAC", N1, get("pods", "web"), null),
				Arguments.of("a secret named only by a mirror pod is denied", N1, get("secrets", "mirror-secret"),
						NO_RELATIONSHIP),
				Arguments.of("a volume bound to a claim of its pod is readable", N1, getVolume("pv-data"), null),
				Arguments.of("a volume bound to another claim is denied", N1, getVolume("pv-other"), NO_RELATIONSHIP),
				Arguments.of("a volume bound to a claim of the same name in another namespace is denied", N1,
						getVolume("pv-elsewhere"), NO_RELATIONSHIP),
				Arguments.of("a volume bound to no claim is denied", N1, getVolume("pv-available"), NO_RELATIONSHIP),
				Arguments.of("a volume that does not exist is denied", N1, getVolume("pv-gone"), NO_RELATIONSHIP),
				Arguments.of("listing volumes is denied", N1,
						RequestInfo.resource("list", "", "", "persistentvolumes", "", ""),
						"can only get individual resources of this type"),
				Arguments.of("a volume's status is denied", N1,
						RequestInfo.resource("get", "", "", "persistentvolumes", "status", "pv-data"),
						"cannot get subresource"),
				Arguments.of("a token for the service account of its pod may be created", N1, token("web-sa"), null),
				Arguments.of("a token for another service account is denied", N1, token("admin"), NO_RELATIONSHIP),
				Arguments.of("a token for the service account of a mirror pod is denied", N1, token("mirror-sa"),
						NO_RELATIONSHIP),
				Arguments.of("reading the service account of its pod is denied", N1, get("serviceaccounts", "web-sa"),
						"can only create tokens for individual service accounts"),
				Arguments.of("creating a service account is denied", N1,
						RequestInfo.resource("create", "", "default", "serviceaccounts", "", ""),
						"can only create tokens for individual service accounts"),
				Arguments.of("another subresource of the service account of its pod is denied", N1,
						RequestInfo.resource("create", "", "default", "serviceaccounts", "impersonate", "web-sa"),
						"can only create token subresource of serviceaccount"),
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

	static RequestInfo getVolume(String name) {
		return RequestInfo.resource("get", "", "", "persistentvolumes", "", name);
	}

	static RequestInfo token(String serviceAccount) {
		return RequestInfo.resource("create", "", "default", "serviceaccounts", "token", serviceAccount);
	}

	/** A volume bound to {@code namespace/claim}; to none when the claim is null. */
	static PersistentVolume volume(String name, String namespace, String claim) {
		PersistentVolumeBuilder builder = new PersistentVolumeBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewSpec()
			.withNewHostPath()
			.withPath("/data/" + name)
			.endHostPath()
			.endSpec();
		if (claim != null) {
			builder.editSpec().withNewClaimRef().withNamespace(namespace).withName(claim).endClaimRef().endSpec();
		}
		return builder.build();
	}

}
