package io.stevedore.gateway.rbac;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;

/**
 * The ClusterRoles and ClusterRoleBindings kube-apiserver's RBAC bootstrap creates, with
 * their Kubernetes names and (trimmed to the resources Stevedore serves) rules. Two
 * deliberate differences: admin, edit and view carry their rules directly instead of
 * aggregating system:aggregate-to-* roles, and system:node is bound to the group
 * system:nodes because Stevedore has no Node authorizer yet.
 */
public final class DefaultRoles {

	static final List<String> READ = List.of("get", "list", "watch");

	static final List<String> WRITE = List.of("create", "delete", "deletecollection", "patch", "update");

	static final List<String> ALL_VERBS = List.of("*");

	static final String CERTIFICATES = "certificates.k8s.io";

	public static final String NODE_CLIENT = "system:certificates.k8s.io:certificatesigningrequests:nodeclient";

	public static final String SELF_NODE_CLIENT = "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient";

	public static final String KUBELET_API_ADMIN = "system:kubelet-api-admin";

	static final String KUBELET_API_ADMIN_BINDING = "kubeadm:kubelet-api-admin";

	/** The user of the apiserver's kubelet client certificate, as kubeadm names it. */
	public static final String APISERVER_KUBELET_CLIENT = "kube-apiserver-kubelet-client";

	static final String KUBE_APISERVER_CLIENT = "kubernetes.io/kube-apiserver-client";

	static final String KUBE_APISERVER_CLIENT_KUBELET = "kubernetes.io/kube-apiserver-client-kubelet";

	static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";

	static final String LEGACY_UNKNOWN = "kubernetes.io/legacy-unknown";

	private static final Map<String, String> BOOTSTRAP_LABELS = Map.of("kubernetes.io/bootstrapping", "rbac-defaults");

	private DefaultRoles() {
	}

	public static List<ClusterRole> clusterRoles() {
		return List.of(
				role("cluster-admin", rule(List.of("*"), List.of("*"), ALL_VERBS),
						nonResource(List.of("*"), ALL_VERBS)),
				role("admin", admin()), role("edit", edit()), role("view", view()),
				role("system:discovery",
						nonResource(List.of("/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
								"/openapi/*", "/readyz", "/version", "/version/"), List.of("get"))),
				role("system:public-info-viewer",
						nonResource(List.of("/healthz", "/livez", "/readyz", "/version", "/version/"), List.of("get"))),
				role("system:basic-user",
						rule(List.of("authorization.k8s.io"),
								List.of("selfsubjectaccessreviews", "selfsubjectrulesreviews"), List.of("create")),
						rule(List.of("authentication.k8s.io"), List.of("selfsubjectreviews"), List.of("create"))),
				role("system:service-account-issuer-discovery",
						nonResource(List.of("/.well-known/openid-configuration", "/.well-known/openid-configuration/",
								"/openid/v1/jwks", "/openid/v1/jwks/"), List.of("get"))),
				role("system:auth-delegator",
						rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), List.of("create")),
						rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews"), List.of("create"))),
				// Full access to the kubelet API (a node agent's port): what the
				// apiserver's
				// kubelet client needs for logs, exec, attach and port-forward, with the
				// fine-grained subresources of KubeletFineGrainedAuthz.
				role(KUBELET_API_ADMIN, rule(List.of(""), List.of("nodes"), List.of("get", "list", "watch", "proxy")),
						rule(List.of(""),
								List.of("nodes/proxy", "nodes/metrics", "nodes/spec", "nodes/stats", "nodes/log",
										"nodes/configz", "nodes/healthz", "nodes/pods"),
								ALL_VERBS)),
				role("system:node", node()), role("system:kube-scheduler", scheduler()),
				role("system:kube-controller-manager", controllerManager()), role("system:node-proxier", proxier()),
				role("system:stevedore-proxy", stevedoreProxy()),
				// TLS bootstrapping (kubeadm's defaults): a bootstrap token may ask for a
				// node client certificate; the csr approver approves what the requester
				// may create on these subresources.
				role("system:node-bootstrapper",
						rule(List.of(CERTIFICATES), List.of("certificatesigningrequests"),
								List.of("create", "get", "list", "watch"))),
				role(NODE_CLIENT,
						rule(List.of(CERTIFICATES), List.of("certificatesigningrequests/nodeclient"),
								List.of("create"))),
				role(SELF_NODE_CLIENT,
						rule(List.of(CERTIFICATES), List.of("certificatesigningrequests/selfnodeclient"),
								List.of("create"))),
				// Who may approve requests of each built-in signer
				// (CertificateApproval): unbound, as in Kubernetes, for an admin to
				// grant.
				approver("kube-apiserver-client", KUBE_APISERVER_CLIENT),
				approver("kube-apiserver-client-kubelet", KUBE_APISERVER_CLIENT_KUBELET),
				approver("kubelet-serving", KUBELET_SERVING), approver("legacy-unknown", LEGACY_UNKNOWN));
	}

	public static List<ClusterRoleBinding> clusterRoleBindings() {
		return List.of(binding("cluster-admin", "Group", "system:masters"),
				binding("system:discovery", "Group", "system:authenticated"),
				binding("system:basic-user", "Group", "system:authenticated"),
				binding("system:public-info-viewer", "Group", "system:authenticated", "system:unauthenticated"),
				binding("system:service-account-issuer-discovery", "Group", "system:serviceaccounts"),
				binding("system:node", "Group", "system:nodes"),
				// kubeadm's kubeadm:kubelet-api-admin: every Stevedore deployment
				// (./stevedore
				// up, compose, Helm) gives the apiserver this kubelet client identity,
				// and a
				// node agent asks RBAC (SubjectAccessReview) whether it may call.
				namedBinding(KUBELET_API_ADMIN_BINDING, KUBELET_API_ADMIN, "User", APISERVER_KUBELET_CLIENT),
				binding("system:kube-scheduler", "User", "system:kube-scheduler"),
				binding("system:kube-controller-manager", "User", "system:kube-controller-manager"),
				binding("system:node-proxier", "User", "system:kube-proxy"),
				binding("system:stevedore-proxy", "User", "system:kube-proxy"),
				binding("system:node-bootstrapper", "Group", "system:bootstrappers"),
				binding(NODE_CLIENT, "Group", "system:bootstrappers"),
				binding(SELF_NODE_CLIENT, "Group", "system:nodes"));
	}

	private static List<PolicyRule> view() {
		return List.of(
				rule(List.of(""),
						List.of("pods", "pods/log", "pods/status", "configmaps", "endpoints", "persistentvolumeclaims",
								"persistentvolumeclaims/status", "replicationcontrollers",
								"replicationcontrollers/scale", "replicationcontrollers/status", "serviceaccounts",
								"services", "services/status", "bindings", "events", "limitranges", "resourcequotas",
								"resourcequotas/status", "namespaces", "namespaces/status"),
						READ),
				rule(List.of("apps"),
						List.of("controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
								"deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
								"replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"),
						READ),
				rule(List.of("autoscaling"), List.of("horizontalpodautoscalers", "horizontalpodautoscalers/status"),
						READ),
				rule(List.of("batch"), List.of("cronjobs", "cronjobs/status", "jobs", "jobs/status"), READ),
				rule(List.of("discovery.k8s.io"), List.of("endpointslices"), READ),
				rule(List.of("events.k8s.io"), List.of("events"), READ),
				// metrics-server's system:aggregated-metrics-reader, aggregated into view
				// (and so edit and admin) in Kubernetes.
				rule(List.of("metrics.k8s.io"), List.of("pods", "nodes"), READ),
				rule(List.of("networking.k8s.io"), List.of("ingresses", "ingresses/status", "networkpolicies"), READ),
				rule(List.of("policy"), List.of("poddisruptionbudgets", "poddisruptionbudgets/status"), READ));
	}

	private static List<PolicyRule> edit() {
		List<PolicyRule> rules = new ArrayList<>(view());
		rules.add(rule(List.of(""),
				List.of("pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "pods/eviction",
						"configmaps", "endpoints", "persistentvolumeclaims", "replicationcontrollers",
						"replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"),
				WRITE));
		rules.add(rule(List.of(""), List.of("secrets"), READ));
		rules.add(rule(List.of(""), List.of("serviceaccounts/token"), List.of("create")));
		rules.add(rule(List.of(""), List.of("serviceaccounts"), List.of("impersonate")));
		rules.add(rule(List.of("apps"), List.of("daemonsets", "deployments", "deployments/rollback",
				"deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"), WRITE));
		rules.add(rule(List.of("autoscaling"), List.of("horizontalpodautoscalers"), WRITE));
		rules.add(rule(List.of("batch"), List.of("cronjobs", "jobs"), WRITE));
		rules.add(rule(List.of("discovery.k8s.io"), List.of("endpointslices"), WRITE));
		rules.add(rule(List.of("networking.k8s.io"), List.of("ingresses", "networkpolicies"), WRITE));
		rules.add(rule(List.of("policy"), List.of("poddisruptionbudgets"), WRITE));
		return rules;
	}

	private static List<PolicyRule> admin() {
		List<PolicyRule> rules = new ArrayList<>(edit());
		rules.add(rule(List.of("rbac.authorization.k8s.io"), List.of("roles", "rolebindings"),
				List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")));
		rules.add(rule(List.of("authorization.k8s.io"), List.of("localsubjectaccessreviews"), List.of("create")));
		return rules;
	}

	private static List<PolicyRule> node() {
		return List.of(
				rule(List.of(""), List.of("nodes"),
						List.of("create", "get", "list", "watch", "update", "patch", "delete")),
				rule(List.of(""), List.of("nodes/status"), List.of("patch", "update")),
				rule(List.of(""), List.of("pods"), List.of("get", "list", "watch", "create", "delete")),
				rule(List.of(""), List.of("pods/status"), List.of("patch", "update")),
				rule(List.of(""), List.of("pods/eviction"), List.of("create")),
				rule(List.of(""),
						List.of("configmaps", "secrets", "persistentvolumeclaims", "persistentvolumes", "services",
								"endpoints"),
						READ),
				rule(List.of("", "events.k8s.io"), List.of("events"), List.of("create", "patch", "update")),
				// A node renews its own client certificate.
				rule(List.of(CERTIFICATES), List.of("certificatesigningrequests"),
						List.of("create", "get", "list", "watch")),
				rule(List.of(""), List.of("serviceaccounts/token"), List.of("create")),
				// Kubernetes' system:node has no list/watch on Leases nor EndpointSlices:
				// a
				// kubelet only heartbeats its own Lease. A Stevedore node agent also
				// stops a
				// deleted pod only once no proxy routes to it, from informers on the
				// EndpointSlices and on the proxies' applied-revision Leases
				// (node-agent EndpointRemovalGate), so it needs both (read only).
				rule(List.of("coordination.k8s.io"), List.of("leases"),
						List.of("create", "delete", "get", "list", "patch", "update", "watch")),
				rule(List.of("discovery.k8s.io"), List.of("endpointslices"), READ),
				rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), List.of("create")),
				rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews"), List.of("create")));
	}

	private static List<PolicyRule> scheduler() {
		return List.of(rule(List.of("", "events.k8s.io"), List.of("events"), List.of("create", "patch", "update")),
				// patch: fabric8's LeaderElector renews its Lease with a PATCH (client-go
				// uses update).
				rule(List.of("coordination.k8s.io"), List.of("leases"), List.of("create", "get", "update", "patch")),
				rule(List.of(""), List.of("nodes"), READ),
				rule(List.of(""), List.of("pods"), List.of("delete", "get", "list", "watch")),
				rule(List.of(""), List.of("bindings", "pods/binding"), List.of("create")),
				rule(List.of(""), List.of("pods/status"), List.of("patch", "update")),
				// VolumeBinding writes volume.kubernetes.io/selected-node on claims.
				rule(List.of(""), List.of("persistentvolumeclaims"), List.of("patch", "update")),
				rule(List.of(""),
						List.of("replicationcontrollers", "services", "namespaces", "persistentvolumeclaims",
								"persistentvolumes", "configmaps"),
						READ),
				rule(List.of("apps"), List.of("replicasets", "statefulsets"), READ),
				rule(List.of("policy"), List.of("poddisruptionbudgets"), READ),
				// Pod priority (the scheduler's preemption reads PriorityClasses).
				rule(List.of("scheduling.k8s.io"), List.of("priorityclasses"), READ),
				rule(List.of("storage.k8s.io"),
						List.of("storageclasses", "csinodes", "csidrivers", "csistoragecapacities"), READ),
				rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), List.of("create")),
				rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews"), List.of("create")));
	}

	/**
	 * Stevedore runs every controller under one identity (Kubernetes gives each its own
	 * ServiceAccount), so this role holds what all controllers together need: every
	 * resource of the groups they reconcile, plus leader-election leases.
	 */
	private static List<PolicyRule> controllerManager() {
		return List.of(
				rule(List.of("", "apps", "batch", "autoscaling", "policy", "discovery.k8s.io", "events.k8s.io",
						"networking.k8s.io", "coordination.k8s.io", "storage.k8s.io", "scheduling.k8s.io"),
						List.of("*"), ALL_VERBS),
				// The garbage collector and the namespace controller reach every resource
				// the API serves (Kubernetes' generic-garbage-collector and
				// namespace-controller roles: */* read and delete), RBAC objects
				// included.
				rule(List.of("*"), List.of("*"),
						List.of("get", "list", "watch", "patch", "update", "delete", "deletecollection")),
				// Kubernetes' certificate-controller: csrapproving approves kubelet
				// client
				// requests, csrsigning issues for every built-in signer
				// (CertificateApproval and CertificateSigning ask for these).
				// Stevedore's csrapproving also approves a node's own kubelet-serving
				// request for its addresses (Kubernetes leaves these to an approver).
				signers(List.of("approve"), KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING),
				signers(List.of("sign"), LEGACY_UNKNOWN, KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET,
						KUBELET_SERVING),
				rule(List.of("authentication.k8s.io"), List.of("tokenreviews"), List.of("create")),
				rule(List.of("authorization.k8s.io"), List.of("subjectaccessreviews"), List.of("create")));
	}

	/**
	 * What Stevedore's proxy needs beyond kube-proxy's system:node-proxier, because it is
	 * also the cluster DNS, the NetworkPolicy enforcer and the Ingress controller: pods
	 * and namespaces (NetworkPolicy selectors), secrets (Ingress TLS), IngressClasses (it
	 * creates its own) and its applied-revision Lease in kube-node-lease, which the node
	 * agents wait on before stopping a pod.
	 */
	private static List<PolicyRule> stevedoreProxy() {
		return List.of(rule(List.of(""), List.of("pods", "namespaces", "secrets"), READ),
				// The cluster DNS makes kube-system/kube-dns, to reserve its ClusterIP.
				rule(List.of(""), List.of("services"), List.of("create", "update", "patch")),
				rule(List.of("networking.k8s.io"), List.of("ingressclasses"),
						List.of("get", "list", "watch", "create")),
				rule(List.of("coordination.k8s.io"), List.of("leases"),
						List.of("create", "get", "list", "watch", "update", "patch", "delete")));
	}

	private static List<PolicyRule> proxier() {
		return List.of(rule(List.of(""), List.of("endpoints", "services", "nodes"), READ),
				rule(List.of("discovery.k8s.io"), List.of("endpointslices"), READ),
				rule(List.of("networking.k8s.io"), List.of("ingresses", "networkpolicies"), READ),
				rule(List.of("networking.k8s.io"), List.of("ingresses/status"), List.of("update", "patch")),
				rule(List.of(""), List.of("services/status"), List.of("update", "patch")),
				rule(List.of("", "events.k8s.io"), List.of("events"), List.of("create", "patch", "update")));
	}

	static PolicyRule rule(List<String> groups, List<String> resources, List<String> verbs) {
		return new PolicyRuleBuilder().withApiGroups(groups).withResources(resources).withVerbs(verbs).build();
	}

	/**
	 * {@code system:certificates.k8s.io:<short>-approver}: approve on that one signer.
	 */
	private static ClusterRole approver(String shortName, String signerName) {
		return role("system:certificates.k8s.io:" + shortName + "-approver", signers(List.of("approve"), signerName));
	}

	static PolicyRule signers(List<String> verbs, String... signerNames) {
		return new PolicyRuleBuilder().withApiGroups(CERTIFICATES)
			.withResources("signers")
			.withResourceNames(signerNames)
			.withVerbs(verbs)
			.build();
	}

	static PolicyRule nonResource(List<String> urls, List<String> verbs) {
		return new PolicyRuleBuilder().withNonResourceURLs(urls).withVerbs(verbs).build();
	}

	private static ClusterRole role(String name, PolicyRule... rules) {
		return role(name, List.of(rules));
	}

	private static ClusterRole role(String name, List<PolicyRule> rules) {
		return new ClusterRoleBuilder().withNewMetadata()
			.withName(name)
			.withLabels(BOOTSTRAP_LABELS)
			.addToAnnotations("rbac.authorization.kubernetes.io/autoupdate", "true")
			.endMetadata()
			.withRules(rules)
			.build();
	}

	private static ClusterRoleBinding binding(String role, String kind, String... subjects) {
		return namedBinding(role, role, kind, subjects);
	}

	private static ClusterRoleBinding namedBinding(String name, String role, String kind, String... subjects) {
		ClusterRoleBindingBuilder builder = new ClusterRoleBindingBuilder().withNewMetadata()
			.withName(name)
			.withLabels(BOOTSTRAP_LABELS)
			.addToAnnotations("rbac.authorization.kubernetes.io/autoupdate", "true")
			.endMetadata()
			.withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", role);
		for (String subject : subjects) {
			builder.addToSubjects(new SubjectBuilder().withApiGroup("rbac.authorization.k8s.io")
				.withKind(kind)
				.withName(subject)
				.build());
		}
		return builder.build();
	}

}
