package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.rbac.DefaultRoles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Kubernetes' RBAC semantics, one sentence per case. */
class RbacAuthorizerTest {

	static final UserInfo JANE = UserInfo.of("jane", List.of("developers")).authenticated();

	static final UserInfo ADMIN = UserInfo.of("admin", List.of("system:masters")).authenticated();

	static final UserInfo NODE = UserInfo.of("system:node:n1", List.of("system:nodes")).authenticated();

	static final UserInfo PROXY = UserInfo.of("system:kube-proxy", List.of()).authenticated();

	static final UserInfo CONTROLLERS = UserInfo.of("system:kube-controller-manager", List.of()).authenticated();

	static final UserInfo SCHEDULER = UserInfo.of("system:kube-scheduler", List.of()).authenticated();

	static final UserInfo BUILDER = UserInfo.of("system:serviceaccount:ci:builder", List.of()).authenticated();

	static final UserInfo APISERVER = UserInfo.of("kube-apiserver-kubelet-client", List.of()).authenticated();

	static Stream<Arguments> cases() {
		return Stream.of(
				Arguments.of("system:masters may do anything without any binding", ADMIN,
						RequestInfo.resource("delete", "", "", "nodes", "", "n1"), true),
				Arguments.of("view bound in default lets jane list pods there", JANE,
						RequestInfo.resource("list", "", "default", "pods", "", ""), true),
				Arguments.of("view bound in default does not reach another namespace", JANE,
						RequestInfo.resource("list", "", "kube-system", "pods", "", ""), false),
				Arguments.of("view does not allow writes", JANE,
						RequestInfo.resource("create", "", "default", "pods", "", ""), false),
				Arguments.of("view does not read secrets", JANE,
						RequestInfo.resource("get", "", "default", "secrets", "", "s"), false),
				Arguments.of("view reads PodMetrics, as metrics-server's aggregated-metrics-reader grants", JANE,
						RequestInfo.resource("list", "metrics.k8s.io", "default", "pods", "", ""), true),
				Arguments.of("view does not write PodMetrics", JANE,
						RequestInfo.resource("create", "metrics.k8s.io", "default", "pods", "", ""), false),
				Arguments.of("a subresource must be granted as resource/subresource", JANE,
						RequestInfo.resource("get", "", "default", "pods", "log", "p"), true),
				Arguments.of("a subresource not listed is denied", JANE,
						RequestInfo.resource("create", "", "default", "pods", "exec", "p"), false),
				Arguments.of("a group binding applies to its members", JANE,
						RequestInfo.resource("get", "apps", "team", "deployments", "", "web"), true),
				Arguments.of("resourceNames restrict a rule to the names listed", JANE,
						RequestInfo.resource("get", "", "team", "configmaps", "", "allowed"), true),
				Arguments.of("resourceNames deny other names", JANE,
						RequestInfo.resource("get", "", "team", "configmaps", "", "other"), false),
				Arguments.of("*/scale matches the scale subresource of any resource", JANE,
						RequestInfo.resource("update", "apps", "team", "deployments", "scale", "web"), true),
				Arguments.of("a ServiceAccount subject without namespace takes the binding's", BUILDER,
						RequestInfo.resource("create", "batch", "ci", "jobs", "", ""), true),
				Arguments.of("system:discovery lets authenticated users read /apis", JANE,
						RequestInfo.nonResource("/apis/apps/v1", "get"), true),
				Arguments.of("a non-resource rule grants only its verbs", JANE,
						RequestInfo.nonResource("/apis", "post"), false),
				Arguments.of("anonymous may read /version through system:public-info-viewer", UserInfo.ANONYMOUS_USER,
						RequestInfo.nonResource("/version", "get"), true),
				Arguments.of("anonymous may not read discovery", UserInfo.ANONYMOUS_USER,
						RequestInfo.nonResource("/api", "get"), false),
				Arguments.of("an aggregated ClusterRole holds the rules of the roles it selects", JANE,
						RequestInfo.resource("get", "example.com", "", "widgets", "", "w"), true),
				Arguments.of("system:node lets a node agent watch EndpointSlices in every namespace", NODE,
						RequestInfo.resource("watch", "discovery.k8s.io", "", "endpointslices", "", ""), true),
				Arguments.of("system:node lets a node agent list the proxies' Leases in kube-node-lease", NODE,
						RequestInfo.resource("list", "coordination.k8s.io", "kube-node-lease", "leases", "", ""), true),
				Arguments.of("system:node lets a node agent watch the proxies' Leases", NODE,
						RequestInfo.resource("watch", "coordination.k8s.io", "kube-node-lease", "leases", "", ""),
						true),
				Arguments.of("system:node does not let a node agent write EndpointSlices", NODE,
						RequestInfo.resource("create", "discovery.k8s.io", "default", "endpointslices", "", ""), false),
				Arguments.of("the proxy watches EndpointSlices (system:node-proxier)", PROXY,
						RequestInfo.resource("watch", "discovery.k8s.io", "", "endpointslices", "", ""), true),
				Arguments.of("the proxy reads pods for NetworkPolicy selectors", PROXY,
						RequestInfo.resource("list", "", "", "pods", "", ""), true),
				Arguments.of("the proxy writes its applied-revision Lease", PROXY,
						RequestInfo.resource("update", "coordination.k8s.io", "kube-node-lease", "leases", "", "x"),
						true),
				Arguments.of("the proxy does not write pods", PROXY,
						RequestInfo.resource("delete", "", "default", "pods", "", "p"), false),
				Arguments.of("the proxy does not write secrets", PROXY,
						RequestInfo.resource("update", "", "default", "secrets", "", "s"), false),
				Arguments.of("the controllers delete RBAC objects of a deleted namespace", CONTROLLERS,
						RequestInfo.resource("deletecollection", "rbac.authorization.k8s.io", "gone", "rolebindings",
								"", ""),
						true),
				Arguments.of("the controllers do not create RBAC objects", CONTROLLERS,
						RequestInfo.resource("create", "rbac.authorization.k8s.io", "gone", "rolebindings", "", ""),
						false),
				Arguments.of("the scheduler binds pods", SCHEDULER,
						RequestInfo.resource("create", "", "default", "pods", "binding", "p"), true),
				Arguments.of("the scheduler does not create pods", SCHEDULER,
						RequestInfo.resource("create", "", "default", "pods", "", ""), false),
				Arguments.of("the apiserver's kubelet client may exec through a node's kubelet API", APISERVER,
						RequestInfo.resource("create", "", "", "nodes", "proxy", "n1"), true),
				Arguments.of("the apiserver's kubelet client may read a node's logs and stats", APISERVER,
						RequestInfo.resource("get", "", "", "nodes", "stats", "n1"), true),
				Arguments.of("the apiserver's kubelet client may not delete a Node", APISERVER,
						RequestInfo.resource("delete", "", "", "nodes", "", "n1"), false),
				Arguments.of("a node may review tokens, as its kubelet API's webhook authentication does", NODE,
						RequestInfo.resource("create", "authentication.k8s.io", "", "tokenreviews", "", ""), true),
				Arguments.of("a node may ask SubjectAccessReviews, as its kubelet API's webhook authorization does",
						NODE,
						RequestInfo.resource("create", "authorization.k8s.io", "", "subjectaccessreviews", "", ""),
						true),
				Arguments.of("a node may not call another node's kubelet API", NODE,
						RequestInfo.resource("create", "", "", "nodes", "proxy", "n2"), false),
				Arguments.of("jane may not review tokens", JANE,
						RequestInfo.resource("create", "authentication.k8s.io", "", "tokenreviews", "", ""), false),
				Arguments.of("a RoleBinding to a missing role grants nothing", BUILDER,
						RequestInfo.resource("get", "", "ci", "pods", "", "p"), false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void decides(String sentence, UserInfo user, RequestInfo request, boolean allowed) {
		assertThat(new RbacAuthorizer(new FakeLister()).authorize(user, request).allowed()).isEqualTo(allowed);
	}

	static PolicyRule rule(List<String> groups, List<String> resources, List<String> verbs, String... names) {
		return new PolicyRuleBuilder().withApiGroups(groups)
			.withResources(resources)
			.withVerbs(verbs)
			.withResourceNames(names)
			.build();
	}

	/** The defaults plus jane's bindings, built as an admin would apply them. */
	static final class FakeLister implements RbacLister {

		private final List<ClusterRole> clusterRoles = new ArrayList<>(DefaultRoles.clusterRoles());

		private final List<ClusterRoleBinding> clusterRoleBindings = new ArrayList<>(
				DefaultRoles.clusterRoleBindings());

		private final List<Role> roles = new ArrayList<>();

		private final List<RoleBinding> roleBindings = new ArrayList<>();

		FakeLister() {
			this.roleBindings.add(roleBinding("default", "jane-view", "ClusterRole", "view", "User", "jane"));
			this.roles.add(new RoleBuilder().withNewMetadata()
				.withNamespace("team")
				.withName("team-dev")
				.endMetadata()
				.withRules(rule(List.of("apps"), List.of("deployments"), List.of("get")),
						rule(List.of("apps"), List.of("*/scale"), List.of("update")),
						rule(List.of(""), List.of("configmaps"), List.of("get"), "allowed"))
				.build());
			this.roleBindings.add(roleBinding("team", "devs", "Role", "team-dev", "Group", "developers"));
			this.roles.add(new RoleBuilder().withNewMetadata()
				.withNamespace("ci")
				.withName("job-runner")
				.endMetadata()
				.withRules(rule(List.of("batch"), List.of("jobs"), List.of("create")))
				.build());
			RoleBinding serviceAccount = roleBinding("ci", "builder", "Role", "job-runner", "ServiceAccount",
					"builder");
			serviceAccount.getSubjects().get(0).setApiGroup("");
			this.roleBindings.add(serviceAccount);
			this.roleBindings.add(roleBinding("ci", "dangling", "Role", "missing", "ServiceAccount", "builder"));
			this.clusterRoles.add(new ClusterRoleBuilder().withNewMetadata()
				.withName("widget-viewer")
				.endMetadata()
				.withNewAggregationRule()
				.addNewClusterRoleSelector()
				.addToMatchLabels("example.com/aggregate-to-widget-viewer", "true")
				.endClusterRoleSelector()
				.endAggregationRule()
				.build());
			this.clusterRoles.add(new ClusterRoleBuilder().withNewMetadata()
				.withName("widgets-read")
				.addToLabels("example.com/aggregate-to-widget-viewer", "true")
				.endMetadata()
				.withRules(rule(List.of("example.com"), List.of("widgets"), List.of("get")))
				.build());
			this.clusterRoleBindings.add(new ClusterRoleBindingBuilder().withNewMetadata()
				.withName("developers-widgets")
				.endMetadata()
				.withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "widget-viewer")
				.withSubjects(new SubjectBuilder().withKind("Group").withName("developers").build())
				.build());
		}

		private static RoleBinding roleBinding(String namespace, String name, String roleKind, String role,
				String subjectKind, String subject) {
			return new RoleBindingBuilder().withNewMetadata()
				.withNamespace(namespace)
				.withName(name)
				.endMetadata()
				.withNewRoleRef("rbac.authorization.k8s.io", roleKind, role)
				.withSubjects(new SubjectBuilder().withKind(subjectKind).withName(subject).build())
				.build();
		}

		@Override
		public List<ClusterRoleBinding> clusterRoleBindings() {
			return this.clusterRoleBindings;
		}

		@Override
		public List<RoleBinding> roleBindings(String namespace) {
			return this.roleBindings.stream().filter((b) -> namespace.equals(b.getMetadata().getNamespace())).toList();
		}

		@Override
		public Optional<ClusterRole> clusterRole(String name) {
			return this.clusterRoles.stream().filter((r) -> name.equals(r.getMetadata().getName())).findFirst();
		}

		@Override
		public List<ClusterRole> clusterRoles() {
			return this.clusterRoles;
		}

		@Override
		public Optional<Role> role(String namespace, String name) {
			return this.roles.stream()
				.filter((r) -> namespace.equals(r.getMetadata().getNamespace())
						&& name.equals(r.getMetadata().getName()))
				.findFirst();
		}

	}

}
