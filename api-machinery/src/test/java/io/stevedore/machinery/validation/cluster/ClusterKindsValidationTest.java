package io.stevedore.machinery.validation.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.stevedore.machinery.validation.Manifests;
import org.junit.jupiter.api.Test;

/** The smaller kinds: one behaviour each, with Kubernetes' message. */
class ClusterKindsValidationTest {

	@Test
	void aNamespaceFinalizerIsStandardOrQualified() {
		var ns = new NamespaceBuilder().withNewMetadata()
			.withName("team")
			.endMetadata()
			.withNewSpec()
			.withFinalizers("kubernetes", "cleanup")
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(ns)).containsExactly(
				"spec.finalizers: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified");
	}

	@Test
	void aNodeTaintHasAKnownEffect() {
		var node = new NodeBuilder().withNewMetadata()
			.withName("node-1")
			.endMetadata()
			.withNewSpec()
			.addNewTaint()
			.withKey("dedicated")
			.withValue("db")
			.withEffect("NoRun")
			.endTaint()
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(node)).containsExactly(
				"spec.taints[0].effect: Unsupported value: \"NoRun\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
	}

	@Test
	void aLeaseDurationIsPositive() {
		var lease = new LeaseBuilder().withNewMetadata()
			.withName("node-1")
			.withNamespace("kube-node-lease")
			.endMetadata()
			.withNewSpec()
			.withHolderIdentity("node-1")
			.withLeaseDurationSeconds(0)
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(lease))
			.containsExactly("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
	}

	@Test
	void endpointAddressesAreIps() {
		var ep = new EndpointsBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("default")
			.endMetadata()
			.addNewSubset()
			.addNewAddress()
			.withIp("10.0.0.1")
			.endAddress()
			.addNewAddress()
			.withIp("web-0")
			.endAddress()
			.addNewPort()
			.withPort(80)
			.withProtocol("TCP")
			.endPort()
			.endSubset()
			.build();
		assertThat(Manifests.createErrors(ep)).containsExactly(
				"subsets[0].addresses[1].ip: Invalid value: \"web-0\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	}

	@Test
	void endpointSliceAddressesMatchTheAddressType() {
		var slice = new EndpointSliceBuilder().withNewMetadata()
			.withName("web-abc")
			.withNamespace("default")
			.endMetadata()
			.withAddressType("IPv4")
			.addNewEndpoint()
			.withAddresses("10.0.0.1", "fd00::1")
			.endEndpoint()
			.build();
		assertThat(Manifests.createErrors(slice))
			.containsExactly("endpoints[0].addresses[1]: Invalid value: \"fd00::1\": must be a valid IPv4 address");
	}

	@Test
	void anHpaKeepsMinAtOrBelowMax() {
		var hpa = new HorizontalPodAutoscalerBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withMinReplicas(5)
			.withMaxReplicas(2)
			.withNewScaleTargetRef()
			.withApiVersion("apps/v1")
			.withKind("Deployment")
			.withName("web")
			.endScaleTargetRef()
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(hpa))
			.containsExactly("spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`");
	}

	@Test
	void anHpaCpuUtilizationTargetBelowOnePercentIsInvalid() {
		var hpa = new HorizontalPodAutoscalerBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withMaxReplicas(2)
			.withNewScaleTargetRef()
			.withKind("Deployment")
			.withName("web")
			.endScaleTargetRef()
			.addNewMetric()
			.withType("Resource")
			.withNewResource()
			.withName("cpu")
			.withNewTarget()
			.withType("Utilization")
			.withAverageUtilization(0)
			.endTarget()
			.endResource()
			.endMetric()
			.addNewMetric()
			.withType("Pods")
			.withNewPods()
			.withNewMetric()
			.withName("qps")
			.endMetric()
			.withNewTarget()
			.withType("AverageValue")
			.withAverageValue(new io.fabric8.kubernetes.api.model.Quantity("-1"))
			.endTarget()
			.endPods()
			.endMetric()
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(hpa)).containsExactly(
				"spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
				"spec.metrics[1].pods.target.averageValue: Invalid value: \"-1\": must be positive");
	}

	@Test
	void aPdbSetsMinAvailableOrMaxUnavailableNotBoth() {
		var pdb = new PodDisruptionBudgetBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.withMinAvailable(new IntOrString(1))
			.withMaxUnavailable(new IntOrString("120%"))
			.withNewSelector()
			.addToMatchLabels("app", "web")
			.endSelector()
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(pdb)).containsExactly(
				"spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:1, MaxUnavailable:120%}: minAvailable and maxUnavailable cannot be both set",
				"spec.maxUnavailable: Invalid value: 120%: must not be greater than 100%");
	}

	@Test
	void systemPriorityClassNamesAreReserved() {
		var pc = new PriorityClassBuilder().withNewMetadata()
			.withName("system-mine")
			.endMetadata()
			.withValue(10)
			.build();
		var high = new PriorityClassBuilder().withNewMetadata()
			.withName("urgent")
			.endMetadata()
			.withValue(2_000_000_000)
			.build();
		assertThat(Manifests.createErrors(pc)).containsExactly(
				"metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class");
		assertThat(Manifests.createErrors(high))
			.containsExactly("value: Forbidden: maximum allowed value of a user defined priority is 1000000000");
	}

	@Test
	void aRoleRuleNeedsVerbs() {
		var role = new RoleBuilder().withNewMetadata()
			.withName("reader")
			.withNamespace("default")
			.endMetadata()
			.addNewRule()
			.withApiGroups("")
			.withResources("pods")
			.endRule()
			.build();
		assertThat(Manifests.createErrors(role))
			.containsExactly("rules[0].verbs: Required value: verbs must contain at least one value");
	}

	@Test
	void aClusterRoleBindingReferencesAClusterRoleAndNamesServiceAccountNamespaces() {
		var crb = new ClusterRoleBindingBuilder().withNewMetadata()
			.withName("readers")
			.endMetadata()
			.withNewRoleRef("rbac.authorization.k8s.io", "Role", "reader")
			.addNewSubject()
			.withKind("ServiceAccount")
			.withName("default")
			.endSubject()
			.build();
		assertThat(Manifests.createErrors(crb)).containsExactly(
				"roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"",
				"subjects[0].namespace: Required value");
	}

	@Test
	void aRoleBindingsRoleRefNeverChanges() {
		var old = new RoleBindingBuilder().withNewMetadata()
			.withName("readers")
			.withNamespace("default")
			.endMetadata()
			.withNewRoleRef("rbac.authorization.k8s.io", "Role", "reader")
			.build();
		var updated = new RoleBindingBuilder(old).withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "admin")
			.build();
		assertThat(Manifests.updateErrors(updated, old)).containsExactly(
				"roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"admin\"}: cannot change roleRef");
	}

	@Test
	void anIngressPathHasATypeAndABackend() {
		var ing = new IngressBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("default")
			.endMetadata()
			.withNewSpec()
			.addNewRule()
			.withHost("10.0.0.1")
			.withNewHttp()
			.addNewPath()
			.withPath("api")
			.withPathType("Prefix")
			.withNewBackend()
			.withNewService()
			.withName("api")
			.endService()
			.endBackend()
			.endPath()
			.endHttp()
			.endRule()
			.endSpec()
			.build();
		assertThat(Manifests.createErrors(ing)).containsExactly(
				"spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address",
				"spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path",
				"spec.rules[0].http.paths[0].backend.service.port: Required value: port name or number is required");
	}

	@Test
	void anIngressNeedsRulesOrADefaultBackend() {
		var ing = new IngressBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata().build();
		assertThat(Manifests.createErrors(ing)).containsExactly(
				"spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified");
	}

	@Test
	void rbacNamesArePathSegments() {
		var role = new RoleBuilder().withNewMetadata()
			.withName("team/reader")
			.withNamespace("default")
			.endMetadata()
			.build();
		assertThat(Manifests.createErrors(role))
			.containsExactly("metadata.name: Invalid value: \"team/reader\": may not contain '/'");
	}

}
