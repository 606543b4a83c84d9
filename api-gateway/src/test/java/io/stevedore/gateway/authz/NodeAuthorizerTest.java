package io.stevedore.gateway.authz;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Node authorizer's graph rule: a node reads only what its pods reference (and the
 * volumes bound to their claims, and the Secrets those volumes name), and asks tokens
 * only for its pods' ServiceAccounts.
 */
class NodeAuthorizerTest {

	static final String NO_RELATIONSHIP = "no relationship found between node 'n1' and this object";

	static final UserInfo N1 = UserInfo.of("system:node:n1", List.of("system:nodes")).authenticated();

	static final UserInfo N2 = UserInfo.of("system:node:n2", List.of("system:nodes")).authenticated();

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

	/**
	 * A pod on n1 naming Secrets and ConfigMaps only through its init and ephemeral
	 * containers and in-line volume sources, and claiming "csi-data".
	 */
	static final Pod DEBUGGED = pod("""
			metadata: {name: debugged, namespace: default}
			spec:
			  nodeName: n1
			  initContainers:
			  - name: init
			    env:
			    - name: MODE
			      valueFrom: {configMapKeyRef: {name: init-cm, key: mode}}
			  ephemeralContainers:
			  - name: debugger
			    env:
			    - name: TOKEN
			      valueFrom: {secretKeyRef: {name: debug-secret, key: token}}
			    envFrom:
			    - secretRef: {name: debug-env}
			    - configMapRef: {name: debug-cm}
			  volumes:
			  - {name: a, azureFile: {secretName: azure, shareName: s}}
			  - {name: b, cephfs: {monitors: [m], secretRef: {name: ceph}}}
			  - {name: c, cinder: {volumeID: v, secretRef: {name: cinder}}}
			  - {name: d, flexVolume: {driver: x/y, secretRef: {name: flex}}}
			  - {name: e, iscsi: {targetPortal: p, iqn: q, lun: 0, secretRef: {name: iscsi}}}
			  - {name: f, rbd: {monitors: [m], image: i, secretRef: {name: rbd}}}
			  - {name: g, scaleIO: {gateway: g, system: s, secretRef: {name: scaleio}}}
			  - {name: h, storageos: {volumeName: v, secretRef: {name: storageos}}}
			  - {name: i, csi: {driver: d.example.com, nodePublishSecretRef: {name: csi-inline}}}
			  - {name: j, persistentVolumeClaim: {claimName: csi-data}}
			""");

	/** The same kinds of references from a pod on n2. */
	static final Pod THEIRS = pod("""
			metadata: {name: theirs, namespace: default}
			spec:
			  nodeName: n2
			  ephemeralContainers:
			  - name: debugger
			    env:
			    - name: TOKEN
			      valueFrom: {secretKeyRef: {name: theirs-debug, key: token}}
			    envFrom:
			    - configMapRef: {name: theirs-debug-cm}
			  volumes:
			  - {name: i, csi: {driver: d.example.com, nodePublishSecretRef: {name: theirs-csi-inline}}}
			  - {name: j, persistentVolumeClaim: {claimName: theirs-data}}
			""");

	/** And from a mirror pod on n1. */
	static final Pod MIRROR_DEBUGGED = pod("""
			metadata:
			  name: static-debugged
			  namespace: default
			  annotations: {kubernetes.io/config.mirror: hash}
			spec:
			  nodeName: n1
			  ephemeralContainers:
			  - name: debugger
			    env:
			    - name: TOKEN
			      valueFrom: {secretKeyRef: {name: mirror-debug, key: token}}
			  volumes:
			  - {name: i, csi: {driver: d.example.com, nodePublishSecretRef: {name: mirror-csi-inline}}}
			  - {name: j, persistentVolumeClaim: {claimName: mirror-data}}
			""");

	static final List<Pod> PODS = List.of(WEB, MIRROR, DEBUGGED, THEIRS, MIRROR_DEBUGGED);

	static final Map<String, PersistentVolume> VOLUMES = volumes(volume("pv-data", "default", "data"),
			volume("pv-other", "default", "other"), volume("pv-elsewhere", "kube-system", "data"),
			volume("pv-available", null, null),
			// The Secrets volumes name, each in the namespace Kubernetes resolves.
			volume("pv-csi", "default", "csi-data", """
					csi:
					  driver: d.example.com
					  volumeHandle: h
					  nodePublishSecretRef: {namespace: storage, name: csi-publish}
					  nodeStageSecretRef: {namespace: storage, name: csi-stage}
					  nodeExpandSecretRef: {namespace: storage, name: csi-expand}
					  controllerPublishSecretRef: {namespace: storage, name: csi-controller-publish}
					  controllerExpandSecretRef: {namespace: storage, name: csi-controller-expand}
					"""),
			volume("pv-csi-bare", "default", "data",
					"csi: {driver: d.example.com, volumeHandle: h, nodePublishSecretRef: {name: csi-bare}}"),
			volume("pv-azure", "default", "data", "azureFile: {secretName: azure-pv, shareName: s}"),
			volume("pv-azure-ns", "default", "data",
					"azureFile: {secretName: azure-pv-ns, secretNamespace: storage, shareName: s}"),
			volume("pv-ceph", "default", "data", "cephfs: {monitors: [m], secretRef: {name: ceph-pv}}"),
			volume("pv-flex", "default", "data", "flexVolume: {driver: x/y, secretRef: {name: flex-pv}}"),
			volume("pv-iscsi", "default", "data",
					"iscsi: {targetPortal: p, iqn: q, lun: 0, secretRef: {namespace: storage, name: iscsi-pv}}"),
			volume("pv-rbd", "default", "data", "rbd: {monitors: [m], image: i, secretRef: {name: rbd-pv}}"),
			volume("pv-scaleio", "default", "data",
					"scaleIO: {gateway: g, system: s, secretRef: {namespace: storage, name: scaleio-pv}}"),
			volume("pv-cinder", "default", "data",
					"cinder: {volumeID: v, secretRef: {namespace: storage, name: cinder-pv}}"),
			volume("pv-storageos", "default", "data", "storageos: {volumeName: v, secretRef: {name: storageos-pv}}"),
			// Volumes bound to a claim no pod of n1 references, or to none.
			volume("pv-theirs-csi", "default", "theirs-data", csi("theirs-csi")),
			volume("pv-unclaimed-csi", "default", "nobody-claims", csi("orphan-csi")),
			volume("pv-unbound-csi", null, null, csi("unbound-csi")),
			volume("pv-mirror-csi", "default", "mirror-data", csi("mirror-csi")),
			volume("pv-elsewhere-csi", "kube-system", "csi-data", csi("elsewhere-csi")));

	final NodeAuthorizer authorizer = new NodeAuthorizer((namespace, node) -> PODS.stream()
		.filter((pod) -> namespace.equals(pod.getMetadata().getNamespace()) && node.equals(pod.getSpec().getNodeName()))
		.toList(), VOLUMES::get, () -> List.copyOf(VOLUMES.values()));

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

	static Stream<Arguments> containerCases() {
		return Stream.of(
				Arguments.of("a secret from an ephemeral container's env is readable", N1,
						get("secrets", "debug-secret"), null),
				Arguments.of("a secret from an ephemeral container's envFrom is readable", N1,
						get("secrets", "debug-env"), null),
				Arguments.of("a config map from an ephemeral container's envFrom is readable", N1,
						get("configmaps", "debug-cm"), null),
				Arguments.of("a config map from an init container's env is readable", N1, get("configmaps", "init-cm"),
						null),
				Arguments.of("an ephemeral container's secret of a pod on another node is denied", N1,
						get("secrets", "theirs-debug"), NO_RELATIONSHIP),
				Arguments.of("an ephemeral container's config map of a pod on another node is denied", N1,
						get("configmaps", "theirs-debug-cm"), NO_RELATIONSHIP),
				Arguments.of("an ephemeral container's secret of a mirror pod is denied", N1,
						get("secrets", "mirror-debug"), NO_RELATIONSHIP),
				Arguments.of("an ephemeral container's secret in another namespace is denied", N1,
						secret("kube-system", "debug-secret"), NO_RELATIONSHIP),
				Arguments.of("an ephemeral container's secret is not a config map", N1,
						get("configmaps", "debug-secret"), NO_RELATIONSHIP));
	}

	static Stream<Arguments> inlineVolumeCases() {
		Stream<Arguments> allowed = Stream
			.of("azure", "ceph", "cinder", "flex", "iscsi", "rbd", "scaleio", "storageos", "csi-inline")
			.map((name) -> Arguments.of("the in-line volume's secret " + name + " is readable", N1,
					get("secrets", name), null));
		Stream<Arguments> denied = Stream.of(
				Arguments.of("an in-line volume's secret in another namespace is denied", N1,
						secret("kube-system", "csi-inline"), NO_RELATIONSHIP),
				Arguments.of("an in-line volume's secret of a pod on another node is denied", N1,
						get("secrets", "theirs-csi-inline"), NO_RELATIONSHIP),
				Arguments.of("an in-line volume's secret of a mirror pod is denied", N1,
						get("secrets", "mirror-csi-inline"), NO_RELATIONSHIP));
		return Stream.concat(allowed, denied);
	}

	static Stream<Arguments> volumeSecretCases() {
		return Stream.of(
				Arguments.of("a CSI volume's nodePublish secret is readable in its namespace", N1,
						secret("storage", "csi-publish"), null),
				Arguments.of("a CSI volume's nodeStage secret is readable", N1, secret("storage", "csi-stage"), null),
				Arguments.of("a CSI volume's nodeExpand secret is readable", N1, secret("storage", "csi-expand"), null),
				Arguments.of("a CSI volume's controllerPublish secret is denied, as it is for the controllers", N1,
						secret("storage", "csi-controller-publish"), NO_RELATIONSHIP),
				Arguments.of("a CSI volume's controllerExpand secret is denied", N1,
						secret("storage", "csi-controller-expand"), NO_RELATIONSHIP),
				Arguments.of("a CSI volume's secret in another namespace is denied", N1,
						secret("default", "csi-publish"), NO_RELATIONSHIP),
				Arguments.of("a CSI volume's secret ref without namespace grants nothing", N1,
						secret("default", "csi-bare"), NO_RELATIONSHIP),
				Arguments.of("an azureFile volume's secret is in the claim's namespace by default", N1,
						secret("default", "azure-pv"), null),
				Arguments.of("an azureFile volume's secret is not in another namespace", N1,
						secret("storage", "azure-pv"), NO_RELATIONSHIP),
				Arguments.of("an azureFile volume's secretNamespace is the secret's", N1,
						secret("storage", "azure-pv-ns"), null),
				Arguments.of("an azureFile volume's secret with a secretNamespace is not in the claim's", N1,
						secret("default", "azure-pv-ns"), NO_RELATIONSHIP),
				Arguments.of("a cephfs ref without namespace is in the claim's", N1, secret("default", "ceph-pv"),
						null),
				Arguments.of("a flexVolume ref without namespace is in the claim's", N1, secret("default", "flex-pv"),
						null),
				Arguments.of("an rbd ref without namespace is in the claim's", N1, secret("default", "rbd-pv"), null),
				Arguments.of("an iscsi ref's namespace is the secret's", N1, secret("storage", "iscsi-pv"), null),
				Arguments.of("an iscsi ref's namespace is not the claim's", N1, secret("default", "iscsi-pv"),
						NO_RELATIONSHIP),
				Arguments.of("a scaleIO ref's namespace is the secret's", N1, secret("storage", "scaleio-pv"), null),
				Arguments.of("a cinder ref's namespace is the secret's", N1, secret("storage", "cinder-pv"), null),
				Arguments.of("a storageos ref without namespace grants nothing", N1, secret("default", "storageos-pv"),
						NO_RELATIONSHIP),
				Arguments.of("a volume's secret is not a config map", N1,
						RequestInfo.resource("get", "", "storage", "configmaps", "", "csi-publish"), NO_RELATIONSHIP),
				Arguments.of("the secret of a volume bound to a claim of a pod on another node is denied", N1,
						secret("storage", "theirs-csi"), NO_RELATIONSHIP),
				Arguments.of("the secret of a volume bound to a claim no pod references is denied", N1,
						secret("storage", "orphan-csi"), NO_RELATIONSHIP),
				Arguments.of("the secret of a volume bound to no claim is denied", N1, secret("storage", "unbound-csi"),
						NO_RELATIONSHIP),
				Arguments.of("the secret of a volume bound to a mirror pod's claim is denied", N1,
						secret("storage", "mirror-csi"), NO_RELATIONSHIP),
				Arguments.of("the secret of a volume bound to a claim of the same name in another namespace is denied",
						N1, secret("storage", "elsewhere-csi"), NO_RELATIONSHIP),
				Arguments.of("another node may not read a volume's secret", N2, secret("storage", "csi-publish"),
						"no relationship found between node 'n2' and this object"),
				Arguments.of("that node reads the secret of the volume bound to its own pod's claim", N2,
						secret("storage", "theirs-csi"), null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource({ "cases", "containerCases", "inlineVolumeCases", "volumeSecretCases" })
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

	static RequestInfo secret(String namespace, String name) {
		return RequestInfo.resource("get", "", namespace, "secrets", "", name);
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

	/** A volume bound to {@code namespace/claim} (to none when null) with the source. */
	static PersistentVolume volume(String name, String namespace, String claim, String source) {
		String claimRef = (claim != null) ? "claimRef: {namespace: %s, name: %s}\n".formatted(namespace, claim) : "";
		return Serialization.unmarshal("apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: %s}\nspec:\n%s"
			.formatted(name, (claimRef + source).indent(2)), PersistentVolume.class);
	}

	/** A CSI source whose nodePublish secret is {@code storage/secret}. */
	static String csi(String secret) {
		return "csi: {driver: d.example.com, volumeHandle: h, nodePublishSecretRef: {namespace: storage, name: %s}}"
			.formatted(secret);
	}

	static Map<String, PersistentVolume> volumes(PersistentVolume... volumes) {
		Map<String, PersistentVolume> byName = new HashMap<>();
		for (PersistentVolume volume : volumes) {
			byName.put(volume.getMetadata().getName(), volume);
		}
		return Map.copyOf(byName);
	}

	static Pod pod(String yaml) {
		return Serialization.unmarshal("apiVersion: v1\nkind: Pod\n" + yaml, Pod.class);
	}

}
