package io.stevedore.gateway.admission.noderestriction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NodeRestriction's rules for a node identity, with kube-apiserver's messages. */
class NodeRestrictionTest {

	static final UserInfo N1 = UserInfo.of("system:node:n1", List.of("system:nodes")).authenticated();

	static final UserInfo JANE = UserInfo.of("jane", List.of()).authenticated();

	final NodeRestriction plugin = new NodeRestriction((namespace, name) -> switch (name) {
		case "theirs" -> pod("theirs", "n2", false);
		case "gone" -> null;
		default -> pod(name, "n1", false);
	});

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("a node updates the status of a pod bound to it", N1,
						attrs("UPDATE", "", "pods", "status", "default", "mine", pod("mine", "n1", false),
								pod("mine", "n1", false)),
						null),
				Arguments.of("a node may not update the status of another node's pod", N1,
						attrs("UPDATE", "", "pods", "status", "default", "theirs", pod("theirs", "n2", false),
								pod("theirs", "n2", false)),
						"pods \"theirs\" is forbidden: node \"n1\" can only update pod status for pods with spec.nodeName set to itself"),
				Arguments.of("a node may not create a pod that is not a mirror pod", N1,
						attrs("CREATE", "", "pods", "", "default", "p", pod("p", "n1", false), null),
						"pod does not have \"kubernetes.io/config.mirror\" annotation, node \"n1\" can only create mirror pods"),
				Arguments.of("a node creates a mirror pod bound to itself", N1,
						attrs("CREATE", "", "pods", "", "default", "m", pod("m", "n1", true), null), null),
				Arguments.of("a node may not create a mirror pod bound to another node", N1,
						attrs("CREATE", "", "pods", "", "default", "m", pod("m", "n2", true), null),
						"node \"n1\" can only create pods with spec.nodeName set to itself"),
				Arguments.of("a node may not delete another node's pod", N1,
						attrs("DELETE", "", "pods", "", "default", "theirs", null, pod("theirs", "n2", false)),
						"node \"n1\" can only delete pods with spec.nodeName set to itself"),
				Arguments.of("a node deletes its own pod", N1,
						attrs("DELETE", "", "pods", "", "default", "mine", null, pod("mine", "n1", false)), null),
				Arguments.of("a node may not update a pod's spec", N1,
						attrs("UPDATE", "", "pods", "", "default", "mine", pod("mine", "n1", false),
								pod("mine", "n1", false)),
						"unexpected operation UPDATE, node \"n1\" can only create and delete mirror pods"),
				Arguments.of("a node may not evict another node's pod", N1,
						attrs("CREATE", "policy", "pods", "eviction", "default", "theirs",
								new EvictionBuilder().withNewMetadata().withName("theirs").endMetadata().build(), null),
						"node \"n1\" can only evict pods with spec.nodeName set to itself"),
				Arguments.of("a node may not modify another node", N1,
						attrs("UPDATE", "", "nodes", "status", "", "n2", node("n2", Map.of()), node("n2", Map.of())),
						"nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\""),
				Arguments.of("a node updates its own node status", N1,
						attrs("UPDATE", "", "nodes", "status", "", "n1", node("n1", Map.of()), node("n1", Map.of())),
						null),
				Arguments.of("a node may not register with a node-restriction label", N1,
						attrs("CREATE", "", "nodes", "", "", "n1",
								node("n1", Map.of("node-restriction.kubernetes.io/pool", "gold")), null),
						"node \"n1\" is not allowed to set the following labels: node-restriction.kubernetes.io/pool"),
				Arguments.of("a node may not change a node-restriction label of a subdomain", N1,
						attrs("UPDATE", "", "nodes", "", "", "n1",
								node("n1", Map.of("team.node-restriction.kubernetes.io/x", "b")),
								node("n1", Map.of("team.node-restriction.kubernetes.io/x", "a"))),
						"nodes \"n1\" is forbidden: is not allowed to modify labels: team.node-restriction.kubernetes.io/x"),
				Arguments.of("a node may change its other labels", N1,
						attrs("UPDATE", "", "nodes", "", "", "n1", node("n1", Map.of("disk", "ssd")),
								node("n1", Map.of())),
						null),
				Arguments.of("a node registers with the labels Stevedore's node agent sets", N1,
						createNode(Map.of("kubernetes.io/hostname", "n1", "kubernetes.io/os", "linux",
								"kubernetes.io/arch", "amd64", "beta.kubernetes.io/os", "linux",
								"beta.kubernetes.io/arch", "amd64", "type", "simulated")),
						null),
				Arguments.of("a node registers with its zone, region and instance type, old and new", N1,
						createNode(Map.of("topology.kubernetes.io/zone", "a", "topology.kubernetes.io/region", "r",
								"failure-domain.beta.kubernetes.io/zone", "a",
								"failure-domain.beta.kubernetes.io/region", "r", "node.kubernetes.io/instance-type",
								"m5", "beta.kubernetes.io/instance-type", "m5")),
						null),
				Arguments.of("a node registers with labels under the kubelet's and node's domains and subdomains", N1,
						createNode(Map.of("kubelet.kubernetes.io/x", "1", "node.kubernetes.io/exclude-from-lb", "",
								"team.node.kubernetes.io/y", "2", "a.kubelet.kubernetes.io/z", "3")),
						null),
				Arguments.of("a node may not register with a kubernetes.io label outside the kubelet's", N1,
						createNode(Map.of("kubernetes.io/hostname", "n1", "kubernetes.io/foo", "bar")),
						"nodes \"n1\" is forbidden: node \"n1\" is not allowed to set the following labels: kubernetes.io/foo"),
				Arguments.of("a node may not register as a control-plane node", N1,
						createNode(Map.of("node-role.kubernetes.io/control-plane", "")),
						"node \"n1\" is not allowed to set the following labels: node-role.kubernetes.io/control-plane"),
				Arguments.of("a refusal names every forbidden label, sorted", N1,
						createNode(Map.of("kubernetes.io/foo", "bar", "example.k8s.io/pool", "gold",
								"node-restriction.kubernetes.io/pool", "gold", "disk", "ssd")),
						"is not allowed to set the following labels: example.k8s.io/pool, kubernetes.io/foo, "
								+ "node-restriction.kubernetes.io/pool"),
				Arguments.of("a node registers with taints", N1, tainted(createNode(Map.of()), "example.com/gpu"),
						null),
				Arguments.of("a node may not remove its own taint", N1,
						attrs("UPDATE", "", "nodes", "", "", "n1", node("n1", Map.of()),
								tainted(node("n1", Map.of()), "example.com/gpu")),
						"nodes \"n1\" is forbidden: node \"n1\" is not allowed to modify taints"),
				Arguments.of("a node may not add a taint to itself", N1,
						attrs("UPDATE", "", "nodes", "", "", "n1", tainted(node("n1", Map.of()), "example.com/gpu"),
								node("n1", Map.of())),
						"node \"n1\" is not allowed to modify taints"),
				Arguments.of("a node updates itself keeping its taints as they are", N1,
						attrs("UPDATE", "", "nodes", "", "", "n1", tainted(node("n1", Map.of("disk", "ssd")), "a"),
								tainted(node("n1", Map.of()), "a")),
						null),
				Arguments.of("a node may not add a kubernetes.io label outside the kubelet's", N1,
						updateNode(Map.of(), Map.of("kubernetes.io/foo", "bar")),
						"nodes \"n1\" is forbidden: is not allowed to modify labels: kubernetes.io/foo"),
				Arguments.of("a node may not add a label of a k8s.io subdomain", N1,
						updateNode(Map.of(), Map.of("example.k8s.io/pool", "gold")),
						"is not allowed to modify labels: example.k8s.io/pool"),
				Arguments.of("a node may not change a forbidden label an administrator set", N1,
						updateNode(Map.of("kubernetes.io/foo", "bar"), Map.of("kubernetes.io/foo", "baz")),
						"is not allowed to modify labels: kubernetes.io/foo"),
				Arguments.of("a node may not remove a forbidden label an administrator set", N1,
						updateNode(Map.of("node-role.kubernetes.io/worker", ""), Map.of()),
						"is not allowed to modify labels: node-role.kubernetes.io/worker"),
				Arguments.of("a node updates its node leaving forbidden labels an administrator set as they were", N1,
						updateNode(Map.of("kubernetes.io/foo", "bar", "node-restriction.kubernetes.io/pool", "gold"),
								Map.of("kubernetes.io/foo", "bar", "node-restriction.kubernetes.io/pool", "gold",
										"disk", "ssd")),
						null),
				Arguments.of("a node sets its zone", N1,
						updateNode(Map.of(), Map.of("topology.kubernetes.io/zone", "a")), null),
				Arguments.of("a node may change its hostname label", N1,
						updateNode(Map.of("kubernetes.io/hostname", "old"), Map.of("kubernetes.io/hostname", "n1")),
						null),
				Arguments.of("a label that only looks like kubernetes.io is the node's", N1,
						updateNode(Map.of(), Map.of("notkubernetes.io/x", "1", "kubernetes.io.example.com/y", "2")),
						null),
				Arguments.of("a node asks for a token bound to its pod", N1, token(boundTo("Pod", "mine", "uid-mine")),
						null),
				Arguments.of("a node may not ask for a token bound to nothing", N1, token(null),
						"serviceaccounts \"default\" is forbidden: node requested token not bound to a pod"),
				Arguments.of("a node may not ask for a token bound to a secret", N1,
						token(boundTo("Secret", "s", "uid-s")), "node requested token not bound to a pod"),
				Arguments.of("a node may not ask for a token bound to a pod without its uid", N1,
						token(boundTo("Pod", "mine", null)), "node requested token with a pod binding without a uid"),
				Arguments.of("a node may not ask for a token bound to a pod of another node", N1,
						token(boundTo("Pod", "theirs", "uid-theirs")),
						"node requested token bound to a pod scheduled on a different node"),
				Arguments.of("a node may not ask for a token bound to an earlier pod of the same name", N1,
						token(boundTo("Pod", "mine", "uid-before")),
						"the UID in the bound object reference (uid-before) does not match the UID in record. "
								+ "The object might have been deleted and then recreated"),
				Arguments.of("another user asks for a token bound to nothing", JANE, token(null), null),
				Arguments.of("a node renews its own lease", N1,
						attrs("UPDATE", "coordination.k8s.io", "leases", "", "kube-node-lease", "n1", lease("n1"),
								lease("n1")),
						null),
				Arguments.of("a node may not touch another node's lease", N1,
						attrs("UPDATE", "coordination.k8s.io", "leases", "", "kube-node-lease", "n2", lease("n2"),
								lease("n2")),
						"can only access node lease with the same name as the requesting node"),
				Arguments.of("a node may not write leases outside kube-node-lease", N1,
						attrs("CREATE", "coordination.k8s.io", "leases", "", "default", "n1", lease("n1"), null),
						"can only access leases in the \"kube-node-lease\" system namespace"),
				Arguments.of("another user is not restricted", JANE, attrs("UPDATE", "", "pods", "status", "default",
						"theirs", pod("theirs", "n2", false), pod("theirs", "n2", false)), null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void decides(String description, UserInfo user, Attrs attrs, String refusal) {
		AdmissionAttributes attributes = attrs.as(user);
		if (refusal == null) {
			assertThatCode(() -> this.plugin.validate(attributes)).doesNotThrowAnyException();
		}
		else {
			assertThatThrownBy(() -> this.plugin.validate(attributes)).isInstanceOfSatisfying(AdmissionDenied.class,
					(denied) -> {
						assertThat(denied.status().getCode()).isEqualTo(403);
						assertThat(denied.status().getMessage()).contains(refusal);
					});
		}
	}

	@Test
	void aTokenBoundToAPodThatDoesNotExistIsNotFound() {
		AdmissionAttributes attributes = token(boundTo("Pod", "gone", "uid-gone")).as(N1);

		assertThatThrownBy(() -> this.plugin.validate(attributes)).isInstanceOfSatisfying(AdmissionDenied.class,
				(denied) -> {
					assertThat(denied.status().getCode()).isEqualTo(404);
					assertThat(denied.status().getMessage()).isEqualTo("pod \"gone\" not found");
				});
	}

	record Attrs(String operation, String group, String resource, String subresource, String namespace, String name,
			HasMetadata object, HasMetadata oldObject) {

		AdmissionAttributes as(UserInfo user) {
			return new AdmissionAttributes(this.operation, this.group, "v1", this.resource, this.subresource,
					this.namespace, this.name, this.object, this.oldObject, false, user, new ArrayList<>());
		}

		@Override
		public String toString() {
			return this.operation + " " + this.resource;
		}

	}

	static Attrs attrs(String operation, String group, String resource, String subresource, String namespace,
			String name, HasMetadata object, HasMetadata oldObject) {
		// pods/eviction is in the core group; "policy" above only names the Eviction's.
		String actualGroup = "eviction".equals(subresource) ? "" : group;
		return new Attrs(operation, actualGroup, resource, subresource, namespace, name, object, oldObject);
	}

	static Attrs createNode(Map<String, String> labels) {
		return attrs("CREATE", "", "nodes", "", "", "n1", node("n1", labels), null);
	}

	static Attrs updateNode(Map<String, String> before, Map<String, String> after) {
		return attrs("UPDATE", "", "nodes", "", "", "n1", node("n1", after), node("n1", before));
	}

	static Attrs token(BoundObjectReference boundTo) {
		TokenRequest request = new TokenRequestBuilder().withNewSpec()
			.withAudiences("https://kubernetes.default.svc")
			.withBoundObjectRef(boundTo)
			.endSpec()
			.build();
		return attrs("CREATE", "", "serviceaccounts", "token", "default", "default", request, null);
	}

	static BoundObjectReference boundTo(String kind, String name, String uid) {
		return new BoundObjectReferenceBuilder().withApiVersion("v1")
			.withKind(kind)
			.withName(name)
			.withUid(uid)
			.build();
	}

	static Pod pod(String name, String node, boolean mirror) {
		PodBuilder builder = new PodBuilder().withNewMetadata()
			.withName(name)
			.withUid("uid-" + name)
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withNodeName(node)
			.addNewContainer()
			.withName("c")
			.withImage("busybox")
			.endContainer()
			.endSpec();
		if (mirror) {
			builder.editMetadata().addToAnnotations("kubernetes.io/config.mirror", "hash").endMetadata();
		}
		return builder.build();
	}

	static Attrs tainted(Attrs create, String key) {
		tainted((Node) create.object(), key);
		return create;
	}

	static Node tainted(Node node, String key) {
		node.setSpec(new io.fabric8.kubernetes.api.model.NodeSpecBuilder().addNewTaint()
			.withKey(key)
			.withEffect("NoSchedule")
			.endTaint()
			.build());
		return node;
	}

	static Node node(String name, Map<String, String> labels) {
		return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
	}

	static HasMetadata lease(String name) {
		return new LeaseBuilder().withNewMetadata()
			.withName(name)
			.withNamespace("kube-node-lease")
			.endMetadata()
			.build();
	}

}
