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
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.authn.UserInfo;
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

	final NodeRestriction plugin = new NodeRestriction(
			(namespace, name) -> "theirs".equals(name) ? pod("theirs", "n2", false) : pod(name, "n1", false));

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
						"node \"n1\" is not allowed to modify labels: team.node-restriction.kubernetes.io/x"),
				Arguments.of("a node may change its other labels", N1,
						attrs("UPDATE", "", "nodes", "", "", "n1", node("n1", Map.of("disk", "ssd")),
								node("n1", Map.of())),
						null),
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

	static Pod pod(String name, String node, boolean mirror) {
		PodBuilder builder = new PodBuilder().withNewMetadata()
			.withName(name)
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
