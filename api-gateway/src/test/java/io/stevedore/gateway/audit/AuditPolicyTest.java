package io.stevedore.gateway.audit;

import java.util.List;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.RequestInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditPolicyTest {

	private static final UserInfo JANE = UserInfo.of("jane", List.of("developers", "system:authenticated"));

	private static final UserInfo NODE = UserInfo.of("system:node:n1", List.of("system:nodes"));

	static AuditPolicy policy(String yaml) throws Exception {
		return AuditPolicyFile.parse(new YAMLMapper().readTree("apiVersion: audit.k8s.io/v1\nkind: Policy\n" + yaml));
	}

	private static RequestInfo pods(String verb, String namespace, String name) {
		return RequestInfo.resource(verb, "", namespace, "pods", "", name);
	}

	@Test
	void theFirstMatchingRuleDecidesAndNoMatchIsNone() throws Exception {
		AuditPolicy policy = policy("""
				rules:
				- level: None
				  users: ["system:node:n1"]
				- level: RequestResponse
				  userGroups: [developers]
				  verbs: [create]
				- level: Metadata
				  resources: [{group: "", resources: [pods]}]
				""");
		assertThat(policy.evaluate(NODE, pods("get", "a", "p")).level()).isEqualTo(AuditLevel.None);
		assertThat(policy.evaluate(JANE, pods("create", "a", "")).level()).isEqualTo(AuditLevel.RequestResponse);
		assertThat(policy.evaluate(JANE, pods("get", "a", "p")).level()).isEqualTo(AuditLevel.Metadata);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "apps", "a", "deployments", "", "d")).level())
			.isEqualTo(AuditLevel.None);
	}

	@Test
	void resourceRulesMatchGroupsSubresourcesNamesAndNamespacesAsKubernetesDoes() throws Exception {
		AuditPolicy policy = policy(
				"""
						rules:
						- level: Request
						  namespaces: [kube-system]
						  resources: [{group: "", resources: ["pods/log"]}]
						- level: RequestResponse
						  resources: [{group: apps, resources: ["*/scale"]}, {group: "", resources: ["nodes/*"], resourceNames: [n1]}]
						- level: Metadata
						  resources: [{group: "rbac.authorization.k8s.io"}]
						""");
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "", "kube-system", "pods", "log", "p")).level())
			.isEqualTo(AuditLevel.Request);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "", "default", "pods", "log", "p")).level())
			.isEqualTo(AuditLevel.None);
		assertThat(
				policy.evaluate(JANE, RequestInfo.resource("update", "apps", "a", "deployments", "scale", "d")).level())
			.isEqualTo(AuditLevel.RequestResponse);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "", "", "nodes", "status", "n1")).level())
			.isEqualTo(AuditLevel.RequestResponse);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "", "", "nodes", "", "n1")).level())
			.as("resource/* matches the resource itself too")
			.isEqualTo(AuditLevel.RequestResponse);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "", "", "nodes", "", "n2")).level())
			.isEqualTo(AuditLevel.None);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("list", "rbac.authorization.k8s.io", "", "roles", "", ""))
			.level()).isEqualTo(AuditLevel.Metadata);
	}

	@Test
	void nonResourceUrlRulesMatchOnlyNonResourceRequestsWithTrailingWildcards() throws Exception {
		AuditPolicy policy = policy("""
				rules:
				- level: None
				  nonResourceURLs: ["/healthz*", "/version"]
				- level: Metadata
				""");
		assertThat(policy.evaluate(JANE, RequestInfo.nonResource("/healthz/etcd", "get")).level())
			.isEqualTo(AuditLevel.None);
		assertThat(policy.evaluate(JANE, RequestInfo.nonResource("/version", "get")).level())
			.isEqualTo(AuditLevel.None);
		assertThat(policy.evaluate(JANE, RequestInfo.nonResource("/apis", "get")).level())
			.isEqualTo(AuditLevel.Metadata);
	}

	@Test
	void secretConfigMapAndTokenBodiesAreNeverLoggedWhateverThePolicySays() throws Exception {
		AuditPolicy policy = policy("rules:\n- level: RequestResponse\n");
		assertThat(policy.evaluate(JANE, RequestInfo.resource("create", "", "a", "secrets", "", "")).level())
			.isEqualTo(AuditLevel.Metadata);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "", "a", "configmaps", "", "c")).level())
			.isEqualTo(AuditLevel.Metadata);
		assertThat(
				policy.evaluate(JANE, RequestInfo.resource("create", "", "a", "serviceaccounts", "token", "s")).level())
			.isEqualTo(AuditLevel.Metadata);
		assertThat(policy.evaluate(JANE, RequestInfo.resource("get", "", "a", "serviceaccounts", "", "s")).level())
			.isEqualTo(AuditLevel.RequestResponse);
	}

	@Test
	void omitStagesAddUpAndARuleMayOverrideOmitManagedFields() throws Exception {
		AuditPolicy policy = policy("""
				omitStages: [RequestReceived]
				omitManagedFields: true
				rules:
				- level: Metadata
				  omitStages: [ResponseStarted]
				  omitManagedFields: false
				""");
		AuditPolicy.Decision decision = policy.evaluate(JANE, pods("get", "a", "p"));
		assertThat(decision.omitStages()).containsExactlyInAnyOrder(AuditStage.RequestReceived,
				AuditStage.ResponseStarted);
		assertThat(decision.omitManagedFields()).isFalse();
		assertThat(decision.writes(AuditStage.ResponseComplete)).isTrue();
	}

	@Test
	void mistakesInThePolicyFileNameTheField() {
		assertThatThrownBy(() -> policy("rules:\n- level: Everything\n")).hasMessageContaining("rules[0].level");
		assertThatThrownBy(() -> policy("rules:\n- users: [a]\n")).hasMessageContaining("rules[0].level: Required");
		assertThatThrownBy(() -> policy("omitStages: [Done]\nrules:\n- level: None\n"))
			.hasMessageContaining("omitStages[0]: Unsupported value: \"Done\"");
		assertThatThrownBy(() -> policy("""
				rules:
				- level: None
				  nonResourceURLs: ["/x"]
				  resources: [{group: ""}]
				""")).hasMessageContaining("rules[0].nonResourceURLs: Invalid value");
		assertThatThrownBy(() -> AuditPolicyFile.parse(new YAMLMapper().readTree("kind: Policy\napiVersion: v1\n")))
			.hasMessageContaining("apiVersion: Unsupported value");
	}

	@Test
	void theDefaultPolicySkipsProbesAndLogsTheRestAtTheConfiguredLevel() {
		AuditPolicy policy = AuditPolicy.defaults(AuditLevel.Metadata);
		assertThat(policy.evaluate(null, RequestInfo.nonResource("/readyz", "get")).level()).isEqualTo(AuditLevel.None);
		assertThat(policy.evaluate(JANE, pods("list", "a", "")).level()).isEqualTo(AuditLevel.Metadata);
		assertThat(policy.evaluate(JANE, pods("list", "a", "")).writes(AuditStage.RequestReceived)).isFalse();
	}

}
