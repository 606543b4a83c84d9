package io.stevedore.gateway.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorizer's index of bindings by subject: it answers as Kubernetes' walk of every
 * binding does, and a Role, ClusterRole or binding added, changed or deleted shows in the
 * next answer.
 */
class RbacIndexTest {

	static final UserInfo JANE = UserInfo.of("jane", List.of("developers")).authenticated();

	static final UserInfo BUILDER = UserInfo
		.of("system:serviceaccount:ci:builder", List.of("system:serviceaccounts", "system:serviceaccounts:ci"))
		.authenticated();

	static final UserInfo ROBOT = UserInfo
		.of("system:serviceaccount:ops:robot", List.of("system:serviceaccounts", "system:serviceaccounts:ops"))
		.authenticated();

	/** Whom a ServiceAccount subject without any namespace would name. */
	static final UserInfo GHOST = UserInfo.of("system:serviceaccount::ghost", List.of()).authenticated();

	/** A user named as jane's group: a Group subject must not apply to it. */
	static final UserInfo DEVELOPERS_USER = UserInfo.of("developers", List.of()).authenticated();

	static final UserInfo NOBODY = UserInfo.of("nobody", List.of()).authenticated();

	static final UserInfo NODE = UserInfo.of("system:node:n1", List.of("system:nodes")).authenticated();

	static final UserInfo ADMIN = UserInfo.of("admin", List.of("system:masters")).authenticated();

	static final List<UserInfo> USERS = List.of(JANE, BUILDER, ROBOT, GHOST, DEVELOPERS_USER, NOBODY, NODE, ADMIN,
			UserInfo.ANONYMOUS_USER);

	static final List<RequestInfo> REQUESTS = List.of(RequestInfo.resource("get", "", "team", "pods", "", "p"),
			RequestInfo.resource("list", "", "team", "pods", "", ""),
			RequestInfo.resource("create", "", "team", "pods", "", ""),
			RequestInfo.resource("get", "", "team", "pods", "log", "p"),
			RequestInfo.resource("create", "", "team", "pods", "exec", "p"),
			RequestInfo.resource("get", "apps", "team", "deployments", "", "web"),
			RequestInfo.resource("update", "apps", "team", "deployments", "scale", "web"),
			RequestInfo.resource("update", "apps", "team", "statefulsets", "scale", "db"),
			RequestInfo.resource("get", "", "team", "configmaps", "", "allowed"),
			RequestInfo.resource("get", "", "team", "configmaps", "", "other"),
			RequestInfo.resource("delete", "example.com", "team", "widgets", "", "w"),
			RequestInfo.resource("get", "example.com", "", "widgets", "", "w"),
			RequestInfo.resource("create", "batch", "ci", "jobs", "", ""),
			RequestInfo.resource("list", "", "ci", "secrets", "", ""),
			RequestInfo.resource("get", "", "ci", "pods", "", "p"),
			RequestInfo.resource("list", "", "", "nodes", "", ""),
			RequestInfo.resource("delete", "", "", "nodes", "", "n1"),
			RequestInfo.resource("get", "", "kube-system", "secrets", "", "s"),
			RequestInfo.resource("create", "authorization.k8s.io", "", "selfsubjectaccessreviews", "", ""),
			RequestInfo.resource("watch", "discovery.k8s.io", "", "endpointslices", "", ""),
			RequestInfo.nonResource("/metrics", "get"), RequestInfo.nonResource("/logs/kubelet.log", "get"),
			RequestInfo.nonResource("/logs", "get"), RequestInfo.nonResource("/apis/apps/v1", "get"),
			RequestInfo.nonResource("/version", "get"), RequestInfo.nonResource("/healthz", "post"));

	/**
	 * The default roles and bindings, and one of each kind of subject, role reference and
	 * rule the semantics distinguish.
	 */
	static MutableRbac fixture() {
		return MutableRbac.withDefaults()
			.put(role("team", "dev", rule(List.of("apps"), List.of("deployments"), List.of("get")),
					rule(List.of("apps"), List.of("*/scale"), List.of("update")),
					rule(List.of(""), List.of("configmaps"), List.of("get"), "allowed")))
			.put(roleBinding("team", "devs", "Role", "dev", group("developers")))
			.put(roleBinding("team", "builder-views", "ClusterRole", "view", serviceAccount("ci", "builder")))
			.put(roleBinding("team", "not-a-subject", "ClusterRole", "cluster-admin",
					new SubjectBuilder().withKind("Robot").withName("jane").build()))
			.put(role("team", "widgets", rule(List.of("*"), List.of("widgets"), List.of("*"))))
			.put(roleBinding("team", "robot-widgets", "Role", "widgets", serviceAccount("ops", "robot")))
			.put(role("ci", "job-runner", rule(List.of("batch"), List.of("jobs"), List.of("create"))))
			.put(roleBinding("ci", "builder", "Role", "job-runner", serviceAccount("", "builder")))
			.put(roleBinding("ci", "dangling", "Role", "missing", serviceAccount("", "builder")))
			.put(roleBinding("ci", "all-service-accounts", "ClusterRole", "view", group("system:serviceaccounts:ci")))
			.put(clusterRole("node-reader", null, rule(List.of(""), List.of("nodes"), List.of("get", "list"))))
			.put(clusterRoleBinding("robot-nodes", "ClusterRole", "node-reader", serviceAccount("ops", "robot")))
			.put(clusterRoleBinding("ghost", "ClusterRole", "cluster-admin", serviceAccount("", "ghost")))
			.put(clusterRoleBinding("role-ref-in-cluster", "Role", "dev", user("nobody")))
			.put(clusterRole("log-reader", null,
					new PolicyRuleBuilder().withNonResourceURLs("/metrics", "/logs/*").withVerbs("get").build()))
			.put(clusterRoleBinding("service-accounts-logs", "ClusterRole", "log-reader",
					group("system:serviceaccounts")))
			.put(clusterRole("widget-viewer", "example.com/aggregate-to-widget-viewer", null))
			.put(withLabel(
					clusterRole("widgets-read", null, rule(List.of("example.com"), List.of("widgets"), List.of("get"))),
					"example.com/aggregate-to-widget-viewer"))
			.put(clusterRoleBinding("developers-widgets", "ClusterRole", "widget-viewer", group("developers")));
	}

	static Stream<Arguments> everyUserAndRequest() {
		List<Arguments> all = new ArrayList<>();
		for (UserInfo user : USERS) {
			for (RequestInfo request : REQUESTS) {
				all.add(Arguments.of(user.name() + " " + request, user, request));
			}
		}
		return all.stream();
	}

	private static final MutableRbac FIXTURE = fixture();

	/** Built once and asked every case in turn, as the gateway asks it. */
	private static final RbacAuthorizer INDEXED = new RbacAuthorizer(FIXTURE);

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyUserAndRequest")
	void theIndexAnswersAsKubernetesWalkOfEveryBinding(String sentence, UserInfo user, RequestInfo request) {
		assertThat(INDEXED.authorize(user, request).allowed()).isEqualTo(WalkingRbac.allows(FIXTURE, user, request));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("everyUserAndRequest")
	void theRulesListedForTheNamespaceAllowExactlyWhatTheAuthorizerAllows(String sentence, UserInfo user,
			RequestInfo request) {
		// What 'kubectl auth can-i --list' shows must agree with 'kubectl auth can-i'.
		boolean listed = INDEXED.rulesFor(user, request.namespace())
			.rules()
			.stream()
			.anyMatch((rule) -> RuleMatcher.allows(rule, request));
		assertThat(listed).isEqualTo(INDEXED.authorize(user, request).allowed());
	}

	@Test
	void aNodesRulesAreListedIncompleteAsTheNodeAuthorizerCannotEnumerateThem() {
		RbacAuthorizer withNodes = new RbacAuthorizer(MutableRbac.withDefaults(),
				new NodeAuthorizer((node, namespace) -> List.of(), (name) -> null, List::of));
		UserInfo node = new UserInfo("system:node:n1", "", List.of("system:nodes", "system:authenticated"),
				java.util.Map.of());
		UserInfo person = new UserInfo("sam", "", List.of("system:authenticated"), java.util.Map.of());

		RbacAuthorizer.Rules nodeRules = withNodes.rulesFor(node, "default");
		assertThat(nodeRules.incomplete()).isTrue();
		assertThat(nodeRules.evaluationError()).isEqualTo("node authorizer does not support user rule resolution");
		assertThat(withNodes.rulesFor(person, "default").incomplete()).isFalse();
	}

	@Test
	void aBindingNamingTheUserAndItsGroupListsItsRulesOnce() {
		MutableRbac rbac = MutableRbac.withDefaults()
			.put(clusterRole("one", null, rule(List.of(""), List.of("pods"), List.of("get"))))
			.put(clusterRoleBinding("twice", "ClusterRole", "one", user("sam"), group("ops")));
		UserInfo sam = new UserInfo("sam", "", List.of("ops"), java.util.Map.of());

		assertThat(new RbacAuthorizer(rbac).rulesFor(sam, "default").rules())
			.filteredOn((rule) -> rule.getResources() != null && rule.getResources().contains("pods"))
			.hasSize(1);
		assertThat(new RbacAuthorizer(rbac).rulesFor(sam, "default").incomplete()).isFalse();
	}

	@Test
	void theTableOfUsersAndRequestsHasAnswersBothWays() {
		long allowed = everyUserAndRequest()
			.filter((a) -> WalkingRbac.allows(FIXTURE, (UserInfo) a.get()[1], (RequestInfo) a.get()[2]))
			.count();
		assertThat(allowed).isBetween(60L, (long) USERS.size() * REQUESTS.size() - 60);
	}

	static Stream<Arguments> subjects() {
		return Stream.of(
				Arguments.of("a ServiceAccount subject with a namespace names that namespace's account", ROBOT,
						RequestInfo.resource("list", "", "", "nodes", "", ""), true),
				Arguments.of("a ServiceAccount subject without a namespace in a ClusterRoleBinding names nobody", GHOST,
						RequestInfo.resource("delete", "", "", "nodes", "", "n1"), false),
				Arguments.of("system:serviceaccounts:<namespace> is the group of that namespace's accounts", BUILDER,
						RequestInfo.resource("list", "", "ci", "pods", "", ""), true),
				Arguments.of("system:serviceaccounts is the group of every account", ROBOT,
						RequestInfo.nonResource("/logs/kubelet.log", "get"), true),
				Arguments.of("a non-resource URL ending in * is a prefix that does not match itself without /", ROBOT,
						RequestInfo.nonResource("/logs", "get"), false),
				Arguments.of("a Group subject does not apply to a user of that name", DEVELOPERS_USER,
						RequestInfo.resource("get", "apps", "team", "deployments", "", "web"), false),
				Arguments.of("a subject of an unknown kind applies to nobody", JANE,
						RequestInfo.resource("create", "", "team", "pods", "", ""), false),
				Arguments.of("a ClusterRoleBinding to a Role grants nothing", NOBODY,
						RequestInfo.resource("get", "apps", "team", "deployments", "", "web"), false),
				Arguments.of("system:unauthenticated reads /version through system:public-info-viewer",
						UserInfo.ANONYMOUS_USER, RequestInfo.nonResource("/version", "get"), true),
				Arguments.of("system:authenticated may ask SelfSubjectAccessReviews through system:basic-user", NOBODY,
						RequestInfo.resource("create", "authorization.k8s.io", "", "selfsubjectaccessreviews", "", ""),
						true));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("subjects")
	void subjectsApplyAsInKubernetes(String sentence, UserInfo user, RequestInfo request, boolean allowed) {
		assertThat(INDEXED.authorize(user, request).allowed()).isEqualTo(allowed);
		assertThat(WalkingRbac.allows(FIXTURE, user, request)).isEqualTo(allowed);
	}

	static Stream<Arguments> changes() {
		RequestInfo listPodsInTeam = RequestInfo.resource("list", "", "team", "pods", "", "");
		RequestInfo getDeployment = RequestInfo.resource("get", "apps", "team", "deployments", "", "web");
		RequestInfo getWidget = RequestInfo.resource("get", "example.com", "", "widgets", "", "w");
		RequestInfo listNodes = RequestInfo.resource("list", "", "", "nodes", "", "");
		return Stream.of(
				Arguments.of("a ClusterRoleBinding added lets its subject in", NOBODY, listNodes,
						(Consumer<MutableRbac>) (r) -> r
							.put(clusterRoleBinding("nobody-nodes", "ClusterRole", "node-reader", user("nobody"))),
						true),
				Arguments.of("a ClusterRoleBinding changed to another subject lets the old one in no more", ROBOT,
						listNodes,
						(Consumer<MutableRbac>) (r) -> r
							.put(clusterRoleBinding("robot-nodes", "ClusterRole", "node-reader", user("nobody"))),
						false),
				Arguments.of("a ClusterRoleBinding deleted lets its subject in no more", ROBOT, listNodes,
						(Consumer<MutableRbac>) (r) -> r
							.delete(clusterRoleBinding("robot-nodes", "ClusterRole", "node-reader")),
						false),
				Arguments.of("a RoleBinding added lets its subject in, in its namespace", NOBODY, listPodsInTeam,
						(Consumer<MutableRbac>) (r) -> r
							.put(roleBinding("team", "nobody-views", "ClusterRole", "view", user("nobody"))),
						true),
				Arguments.of("a RoleBinding changed to another role grants that role's rules instead", JANE,
						getDeployment,
						(Consumer<MutableRbac>) (r) -> r
							.put(roleBinding("team", "devs", "Role", "widgets", group("developers"))),
						false),
				Arguments.of("a RoleBinding deleted lets its subject in no more", JANE, getDeployment,
						(Consumer<MutableRbac>) (r) -> r.delete(roleBinding("team", "devs", "Role", "dev")), false),
				Arguments.of("a Role added makes a binding that named it before it existed grant", BUILDER,
						RequestInfo.resource("get", "", "ci", "secrets", "", "s"),
						(Consumer<MutableRbac>) (r) -> r
							.put(role("ci", "missing", rule(List.of(""), List.of("secrets"), List.of("get")))),
						true),
				Arguments.of("a Role changed to drop a rule no longer allows it", JANE, getDeployment,
						(Consumer<MutableRbac>) (r) -> r
							.put(role("team", "dev", rule(List.of("apps"), List.of("*/scale"), List.of("update")))),
						false),
				Arguments.of("a Role deleted grants nothing through its bindings", JANE, getDeployment,
						(Consumer<MutableRbac>) (r) -> r.delete(role("team", "dev")), false),
				Arguments.of("a ClusterRole changed to add a rule allows it to every binding", ROBOT,
						RequestInfo.resource("delete", "", "", "nodes", "", "n1"),
						(Consumer<MutableRbac>) (r) -> r.put(clusterRole("node-reader", null,
								rule(List.of(""), List.of("nodes"), List.of("get", "list", "delete")))),
						true),
				Arguments.of("a ClusterRole deleted grants nothing through its bindings", ROBOT, listNodes,
						(Consumer<MutableRbac>) (r) -> r.delete(clusterRole("node-reader", null)), false),
				Arguments
					.of("a ClusterRole labelled for aggregation adds its rules to the aggregating role", JANE,
							RequestInfo.resource("list", "example.com", "", "gadgets", "", ""),
							(Consumer<MutableRbac>) (
									r) -> r
										.put(withLabel(
												clusterRole("gadgets-read", null,
														rule(List.of("example.com"), List.of("gadgets"),
																List.of("list"))),
												"example.com/aggregate-to-widget-viewer")),
							true),
				Arguments.of("an aggregated ClusterRole deleted takes its rules from the aggregating role", JANE,
						getWidget, (Consumer<MutableRbac>) (r) -> r.delete(clusterRole("widgets-read", null)), false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("changes")
	void aChangeShowsInTheNextAnswer(String sentence, UserInfo user, RequestInfo request, Consumer<MutableRbac> change,
			boolean allowedAfter) {
		MutableRbac rbac = fixture();
		RbacAuthorizer authorizer = new RbacAuthorizer(rbac);
		assertThat(authorizer.authorize(user, request).allowed()).as("before").isEqualTo(!allowedAfter);
		change.accept(rbac);
		assertThat(authorizer.authorize(user, request).allowed()).as("after").isEqualTo(allowedAfter);
		assertThat(WalkingRbac.allows(rbac, user, request)).as("Kubernetes' walk").isEqualTo(allowedAfter);
	}

	@Test
	void theIndexIsKeptWhileTheGenerationStaysTheSame() {
		MutableRbac rbac = fixture();
		assertThat(allowedAfterAnUncountedBinding(rbac, rbac)).isFalse();
	}

	@Test
	void aListerWithoutGenerationsIsReadAfreshOnEveryRequest() {
		MutableRbac rbac = fixture();
		assertThat(allowedAfterAnUncountedBinding(rbac, new Unversioned(rbac))).isTrue();
	}

	/**
	 * Whether nobody may list nodes after a binding allowing it is added without the
	 * generation moving on (refused before), asked through {@code view} of {@code rbac}.
	 */
	private static boolean allowedAfterAnUncountedBinding(MutableRbac rbac, RbacLister view) {
		RbacAuthorizer authorizer = new RbacAuthorizer(view);
		RequestInfo listNodes = RequestInfo.resource("list", "", "", "nodes", "", "");
		assertThat(authorizer.authorize(NOBODY, listNodes).allowed()).isFalse();
		rbac.stopCounting().put(clusterRoleBinding("nobody-nodes", "ClusterRole", "node-reader", user("nobody")));
		return authorizer.authorize(NOBODY, listNodes).allowed();
	}

	@Test
	void theReasonNamesTheBindingAndRoleThatAllowed() {
		assertThat(INDEXED.authorize(ROBOT, RequestInfo.resource("list", "", "", "nodes", "", "")).reason())
			.isEqualTo("RBAC: allowed by ClusterRoleBinding \"robot-nodes\" of ClusterRole \"node-reader\" to "
					+ ROBOT.name());
		assertThat(
				INDEXED.authorize(JANE, RequestInfo.resource("get", "apps", "team", "deployments", "", "w")).reason())
			.isEqualTo("RBAC: allowed by RoleBinding \"devs/team\" of Role \"dev\" to jane");
	}

	@Test
	void rulesOfAnAggregatedClusterRoleIncludeTheSelectedRoles() {
		assertThat(INDEXED.rulesOf(new io.fabric8.kubernetes.api.model.rbac.RoleRef("rbac.authorization.k8s.io",
				"ClusterRole", "widget-viewer"), ""))
			.containsExactly(rule(List.of("example.com"), List.of("widgets"), List.of("get")));
	}

	/** The same objects behind a lister that cannot say when they change. */
	private record Unversioned(RbacLister objects) implements RbacLister {

		@Override
		public List<ClusterRoleBinding> clusterRoleBindings() {
			return this.objects.clusterRoleBindings();
		}

		@Override
		public List<RoleBinding> roleBindings(String namespace) {
			return this.objects.roleBindings(namespace);
		}

		@Override
		public java.util.Optional<ClusterRole> clusterRole(String name) {
			return this.objects.clusterRole(name);
		}

		@Override
		public List<ClusterRole> clusterRoles() {
			return this.objects.clusterRoles();
		}

		@Override
		public java.util.Optional<Role> role(String namespace, String name) {
			return this.objects.role(namespace, name);
		}

	}

	static PolicyRule rule(List<String> groups, List<String> resources, List<String> verbs, String... names) {
		return new PolicyRuleBuilder().withApiGroups(groups)
			.withResources(resources)
			.withVerbs(verbs)
			.withResourceNames(names)
			.build();
	}

	static Subject user(String name) {
		return new SubjectBuilder().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(name).build();
	}

	static Subject group(String name) {
		return new SubjectBuilder().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName(name).build();
	}

	static Subject serviceAccount(String namespace, String name) {
		return new SubjectBuilder().withKind("ServiceAccount")
			.withNamespace(namespace.isEmpty() ? null : namespace)
			.withName(name)
			.build();
	}

	static Role role(String namespace, String name, PolicyRule... rules) {
		return new RoleBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withRules(rules)
			.build();
	}

	/**
	 * @param aggregates the label whose ClusterRoles it aggregates, or null
	 */
	static ClusterRole clusterRole(String name, String aggregates, PolicyRule... rules) {
		ClusterRoleBuilder builder = new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata();
		if (aggregates != null) {
			builder.withNewAggregationRule()
				.addNewClusterRoleSelector()
				.addToMatchLabels(aggregates, "true")
				.endClusterRoleSelector()
				.endAggregationRule();
		}
		return rules == null ? builder.build() : builder.withRules(rules).build();
	}

	static ClusterRole withLabel(ClusterRole role, String label) {
		return new ClusterRoleBuilder(role).editMetadata().addToLabels(label, "true").endMetadata().build();
	}

	static RoleBinding roleBinding(String namespace, String name, String roleKind, String role, Subject... subjects) {
		return new RoleBindingBuilder().withNewMetadata()
			.withNamespace(namespace)
			.withName(name)
			.endMetadata()
			.withNewRoleRef("rbac.authorization.k8s.io", roleKind, role)
			.withSubjects(subjects)
			.build();
	}

	static ClusterRoleBinding clusterRoleBinding(String name, String roleKind, String role, Subject... subjects) {
		return new ClusterRoleBindingBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withNewRoleRef("rbac.authorization.k8s.io", roleKind, role)
			.withSubjects(subjects)
			.build();
	}

}
