package io.stevedore.gateway.admission.podsecurity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.podsecurity.policy.Evaluator;
import io.stevedore.gateway.authn.UserInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PodSecurity's decisions on pods, workloads and namespaces, against a cluster held in
 * memory. Messages are compared whole with what kube-apiserver v1.32 prints.
 */
class PodSecurityAdmissionTest {

	private static final String PRIVILEGED_POD = """
			apiVersion: v1
			kind: Pod
			metadata: {name: p, namespace: ns}
			spec:
			  containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
			""";

	private static final String RESTRICTED_POD = """
			apiVersion: v1
			kind: Pod
			metadata: {name: ok, namespace: ns}
			spec:
			  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
			  containers: [{name: c, image: busybox, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
			""";

	private static final String RESTRICTED_DETAIL = "privileged (container \"c\" must not set securityContext.privileged=true), "
			+ "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), "
			+ "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), "
			+ "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), "
			+ "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

	private final FakeCluster cluster = new FakeCluster();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private PodSecurityAdmission admission = admission(defaults("privileged"),
			exemptions(List.of(), List.of(), List.of()));

	@Test
	void aRestrictedNamespaceRefusesAPrivilegedPodWithKubeApiserversMessage() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));

		PodSecurityDecision decision = this.admission.validate(create("pods", pod(PRIVILEGED_POD)));

		assertThat(decision.allowed()).isFalse();
		assertThat(decision.denial().getCode()).isEqualTo(403);
		assertThat(decision.denial().getReason()).isEqualTo("Forbidden");
		assertThat(decision.denial().getMessage())
			.isEqualTo("pods \"p\" is forbidden: violates PodSecurity \"restricted:latest\": " + RESTRICTED_DETAIL);
		assertThat(decision.denial().getDetails().getKind()).isEqualTo("pods");
		assertThat(decision.denial().getDetails().getName()).isEqualTo("p");
		assertThat(decision.warnings()).isEmpty();
		assertThat(decision.auditAnnotations()).containsEntry("pod-security.kubernetes.io/enforce-policy",
				"restricted:latest");
	}

	@Test
	void evaluationsAreCountedWithKubernetesMetricLabels() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted",
				"pod-security.kubernetes.io/warn", "baseline", "pod-security.kubernetes.io/warn-version", "v1.40"));

		this.admission.validate(create("pods", pod(PRIVILEGED_POD)));
		this.admission.validate(create("pods", pod(RESTRICTED_POD)));
		this.admission.validate(create("deployments", deployment(PRIVILEGED_POD)));

		assertThat(count("pod.security.evaluations", "decision", "deny", "mode", "enforce", "policy_level",
				"restricted", "policy_version", "latest", "request_operation", "create", "resource", "pod",
				"subresource", ""))
			.isEqualTo(1);
		assertThat(count("pod.security.evaluations", "decision", "allow", "mode", "enforce", "resource", "pod"))
			.isEqualTo(1);
		assertThat(count("pod.security.evaluations", "decision", "deny", "mode", "warn", "policy_level", "baseline",
				"policy_version", "future", "resource", "controller"))
			.isEqualTo(1);
		assertThat(count("pod.security.evaluations", "mode", "audit")).isZero();
	}

	private double count(String name, String... tags) {
		return this.meters.find(name).tags(tags).counters().stream().mapToDouble((counter) -> counter.count()).sum();
	}

	@Test
	void aPinnedVersionIsNamedInTheMessageAsKubernetesDoes() {
		// kube-apiserver v1.32's answer for this pod, as a user pasted it
		this.cluster.namespace("restricted", Map.of("pod-security.kubernetes.io/enforce", "restricted",
				"pod-security.kubernetes.io/enforce-version", "v1.32"));
		Pod pod = pod("""
				apiVersion: v1
				kind: Pod
				metadata: {name: sysctlpod, namespace: restricted}
				spec:
				  securityContext:
				    seLinuxOptions: {user: system_u, role: system_r, level: "s0:c123,c456"}
				    sysctls: [{name: net.core.somaxconn, value: "1024"}, {name: kernel.msgmax, value: "65536"}]
				  containers: [{name: my-pod, image: busybox}]
				""");

		PodSecurityDecision decision = this.admission.validate(create("pods", pod));

		assertThat(decision.denial().getMessage()).isEqualTo("pods \"sysctlpod\" is forbidden: violates PodSecurity "
				+ "\"restricted:v1.32\": seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set; "
				+ "role may not be set), forbidden sysctls (net.core.somaxconn, kernel.msgmax), allowPrivilegeEscalation != false "
				+ "(container \"my-pod\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities "
				+ "(container \"my-pod\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or "
				+ "container \"my-pod\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"my-pod\" "
				+ "must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
	}

	@Test
	void aCompliantPodIsAdmittedSilentlyInARestrictedNamespace() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted",
				"pod-security.kubernetes.io/warn", "restricted", "pod-security.kubernetes.io/audit", "restricted"));

		PodSecurityDecision decision = this.admission.validate(create("pods", pod(RESTRICTED_POD)));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.warnings()).isEmpty();
		assertThat(decision.auditAnnotations())
			.isEqualTo(Map.of("pod-security.kubernetes.io/enforce-policy", "restricted:latest"));
	}

	@Test
	void warnModeAdmitsWithTheWarningKubernetesGives() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "baseline",
				"pod-security.kubernetes.io/warn", "restricted"));
		Pod pod = pod(RESTRICTED_POD.replace("runAsNonRoot: true, ", ""));

		PodSecurityDecision decision = this.admission.validate(create("pods", pod));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.warnings()).containsExactly("would violate PodSecurity \"restricted:latest\": "
				+ "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true)");
	}

	@Test
	void auditModeAnnotatesTheRequestAndAdmits() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/audit", "baseline",
				"pod-security.kubernetes.io/audit-version", "v1.30"));

		PodSecurityDecision decision = this.admission.validate(create("pods", pod(PRIVILEGED_POD)));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.warnings()).isEmpty();
		assertThat(decision.auditAnnotations()).containsEntry("pod-security.kubernetes.io/audit-violations",
				"would violate PodSecurity \"baseline:v1.30\": privileged (container \"c\" must not set securityContext.privileged=true)");
	}

	@Test
	void aWorkloadWhosePodsWouldBeRefusedIsAdmittedWithAWarningOnly() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted",
				"pod-security.kubernetes.io/warn", "restricted"));

		PodSecurityDecision decision = this.admission.validate(create("deployments", deployment(PRIVILEGED_POD)));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.warnings())
			.containsExactly("would violate PodSecurity \"restricted:latest\": " + RESTRICTED_DETAIL);
		assertThat(decision.auditAnnotations()).doesNotContainKey("pod-security.kubernetes.io/enforce-policy");
	}

	@Test
	void aWorkloadInANamespaceThatOnlyEnforcesIsNotEvenEvaluated() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));

		PodSecurityDecision decision = this.admission.validate(create("deployments", deployment(PRIVILEGED_POD)));

		assertThat(decision).isEqualTo(PodSecurityDecision.ALLOWED);
	}

	@Test
	void anUpdateThatOnlyRelabelsAPodIsNotChecked() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
		Pod old = pod(PRIVILEGED_POD);
		Pod relabelled = new PodBuilder(old).editMetadata().addToLabels("app", "x").endMetadata().build();

		assertThat(this.admission.validate(update("pods", relabelled, old)).allowed()).isTrue();
	}

	@Test
	void anUpdateThatOnlyAddsASeccompAnnotationIsNotCheckedAsSinceKubernetes1Dot27() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "baseline"));
		Pod old = pod(RESTRICTED_POD);
		Pod annotated = new PodBuilder(old).editMetadata()
			.addToAnnotations("container.seccomp.security.alpha.kubernetes.io/c", "unconfined")
			.endMetadata()
			.build();

		assertThat(this.admission.validate(update("pods", annotated, old))).isEqualTo(PodSecurityDecision.ALLOWED);
	}

	@Test
	void anUpdateThatAddsAnInitContainerIsChecked() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "baseline"));
		Pod old = pod(RESTRICTED_POD);
		Pod grown = new PodBuilder(old).editSpec()
			.addNewInitContainer()
			.withName("init")
			.withImage("busybox")
			.withNewSecurityContext()
			.withPrivileged(true)
			.endSecurityContext()
			.endInitContainer()
			.endSpec()
			.build();

		assertThat(this.admission.validate(update("pods", grown, old)).allowed()).isFalse();
	}

	@Test
	void anUpdateThatChangesAnImageIsChecked() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
		Pod old = pod(PRIVILEGED_POD);
		Pod newImage = new PodBuilder(old).editSpec()
			.editFirstContainer()
			.withImage("busybox:2")
			.endContainer()
			.endSpec()
			.build();

		assertThat(this.admission.validate(update("pods", newImage, old)).allowed()).isFalse();
	}

	@Test
	void addingAPrivilegedEphemeralContainerIsRefused() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "baseline"));
		Pod old = pod(RESTRICTED_POD);
		Pod debugged = new PodBuilder(old).editSpec()
			.addNewEphemeralContainer()
			.withName("debug")
			.withImage("busybox")
			.withNewSecurityContext()
			.withPrivileged(true)
			.endSecurityContext()
			.endEphemeralContainer()
			.endSpec()
			.build();
		AdmissionAttributes attributes = attributes("UPDATE", "", "pods", "ephemeralcontainers", debugged, old, "u");

		PodSecurityDecision decision = this.admission.validate(attributes);

		assertThat(decision.denial().getMessage()).isEqualTo("pods \"ok\" is forbidden: violates PodSecurity "
				+ "\"baseline:latest\": privileged (container \"debug\" must not set securityContext.privileged=true)");
	}

	@Test
	void bindingAPodIsNotChecked() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));

		assertThat(this.admission.validate(attributes("CREATE", "", "pods", "binding", pod(PRIVILEGED_POD), null, "u")))
			.isEqualTo(PodSecurityDecision.ALLOWED);
	}

	@Test
	void exemptNamespacesUsersAndRuntimeClassesAreNotChecked() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
		this.admission = admission(defaults("privileged"), exemptions(List.of("ci"), List.of("kata"), List.of()));
		Pod kata = new PodBuilder(pod(PRIVILEGED_POD)).editSpec().withRuntimeClassName("kata").endSpec().build();

		assertThat(this.admission.validate(attributes("CREATE", "", "pods", "", pod(PRIVILEGED_POD), null, "ci"))
			.auditAnnotations()).isEqualTo(Map.of("pod-security.kubernetes.io/exempt", "user"));
		assertThat(this.admission.validate(create("pods", kata)).auditAnnotations())
			.isEqualTo(Map.of("pod-security.kubernetes.io/exempt", "runtimeClass"));

		this.admission = admission(defaults("privileged"), exemptions(List.of(), List.of(), List.of("ns")));
		assertThat(this.admission.validate(create("pods", pod(PRIVILEGED_POD))).auditAnnotations())
			.isEqualTo(Map.of("pod-security.kubernetes.io/exempt", "namespace"));
	}

	@Test
	void aNamespaceWithoutLabelsHasTheConfiguredDefaultPolicy() {
		this.cluster.namespace("ns", Map.of());
		this.admission = admission(defaults("baseline"), exemptions(List.of(), List.of(), List.of()));

		PodSecurityDecision decision = this.admission.validate(create("pods", pod(PRIVILEGED_POD)));

		assertThat(decision.denial().getMessage()).isEqualTo("pods \"p\" is forbidden: violates PodSecurity "
				+ "\"baseline:latest\": privileged (container \"c\" must not set securityContext.privileged=true)");
	}

	@Test
	void anInvalidEnforceLevelOnANamespaceEnforcesRestrictedAndRecordsTheError() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "strict"));

		PodSecurityDecision decision = this.admission.validate(create("pods", pod(PRIVILEGED_POD)));

		assertThat(decision.denial().getMessage())
			.startsWith("pods \"p\" is forbidden: violates PodSecurity \"restricted:latest\": ");
		assertThat(decision.auditAnnotations()).containsEntry("pod-security.kubernetes.io/error",
				"Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": "
						+ "must be one of privileged, baseline, restricted");
	}

	@Test
	void anInvalidWarnLevelFailsOpen() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/warn", "loud"));

		PodSecurityDecision decision = this.admission.validate(create("pods", pod(PRIVILEGED_POD)));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.warnings()).isEmpty();
	}

	@Test
	void aPodInANamespaceThatCannotBeReadIsRefusedButAWorkloadIsAdmitted() {
		PodSecurityDecision pod = this.admission.validate(create("pods", pod(PRIVILEGED_POD)));
		PodSecurityDecision workload = this.admission.validate(create("deployments", deployment(PRIVILEGED_POD)));

		assertThat(pod.denial().getCode()).isEqualTo(500);
		assertThat(pod.denial().getMessage()).isEqualTo("Internal error occurred: failed to lookup namespace \"ns\"");
		assertThat(workload.allowed()).isTrue();
		assertThat(workload.auditAnnotations()).containsKey("pod-security.kubernetes.io/error");
	}

	@Test
	void creatingANamespaceWithInvalidLabelsIsRefusedNamingEachField() {
		Namespace namespace = namespace("bad", Map.of("pod-security.kubernetes.io/enforce", "strict",
				"pod-security.kubernetes.io/warn-version", "1.30"));

		PodSecurityDecision decision = this.admission
			.validate(attributes("CREATE", "", "namespaces", "", namespace, null, "u"));

		assertThat(decision.denial().getCode()).isEqualTo(422);
		assertThat(decision.denial().getReason()).isEqualTo("Invalid");
		assertThat(decision.denial().getMessage()).isEqualTo("Namespace \"bad\" is invalid: ["
				+ "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted, "
				+ "metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\"]");
		assertThat(decision.denial().getDetails().getCauses()).extracting("field")
			.containsExactly("metadata.labels[pod-security.kubernetes.io/enforce]",
					"metadata.labels[pod-security.kubernetes.io/warn-version]");
	}

	@Test
	void updatingANamespaceThatKeepsAnInvalidLabelAsItWasIsAdmitted() {
		Namespace old = namespace("legacy", Map.of("pod-security.kubernetes.io/audit", "loud"));
		Namespace relabelled = namespace("legacy", Map.of("pod-security.kubernetes.io/audit", "loud", "team", "a"));

		assertThat(this.admission.validate(attributes("UPDATE", "", "namespaces", "", relabelled, old, "u")).allowed())
			.isTrue();
	}

	@Test
	void tighteningANamespaceWarnsAboutItsPodsThatWouldBeRefused() {
		Namespace old = namespace("ns", Map.of());
		Namespace tightened = namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "baseline"));
		this.cluster.pods.put("ns",
				List.of(replica("web-b", "rs-1"), replica("web-a", "rs-1"), replica("web-c", "rs-1"),
						pod(PRIVILEGED_POD.replace("name: p,", "name: tool,")
							.replace("privileged: true", "privileged: false")
							.replace("containers:", "hostNetwork: true\n  containers:")),
						pod(RESTRICTED_POD)));

		PodSecurityDecision decision = this.admission
			.validate(attributes("UPDATE", "", "namespaces", "", tightened, old, "u"));

		assertThat(decision.allowed()).isTrue();
		assertThat(decision.warnings()).containsExactly(
				"existing pods in namespace \"ns\" violate the new PodSecurity enforce level \"baseline:latest\"",
				"tool: host namespaces", "web-a (and 2 other pods): privileged");
	}

	@Test
	void relaxingANamespaceChecksNoPods() {
		Namespace old = namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
		Namespace relaxed = namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "baseline"));
		this.cluster.pods.put("ns", List.of(pod(PRIVILEGED_POD)));

		assertThat(this.admission.validate(attributes("UPDATE", "", "namespaces", "", relaxed, old, "u")))
			.isEqualTo(PodSecurityDecision.ALLOWED);
	}

	@Test
	void labellingAnExemptNamespaceWarnsThatThePolicyIsIgnored() {
		this.admission = admission(defaults("privileged"), exemptions(List.of(), List.of(), List.of("kube-system")));
		Namespace namespace = namespace("kube-system", Map.of("pod-security.kubernetes.io/enforce", "restricted",
				"pod-security.kubernetes.io/warn", "baseline"));

		PodSecurityDecision decision = this.admission
			.validate(attributes("CREATE", "", "namespaces", "", namespace, null, "u"));

		assertThat(decision.warnings())
			.containsExactly("namespace \"kube-system\" is exempt from Pod Security, and the "
					+ "policy (enforce=restricted:latest, warn=baseline:latest) will be ignored");
	}

	@Test
	void deletingIsNeverChecked() {
		this.cluster.namespace("ns", Map.of("pod-security.kubernetes.io/enforce", "restricted"));

		assertThat(this.admission.validate(attributes("DELETE", "", "pods", "", null, pod(PRIVILEGED_POD), "u")))
			.isEqualTo(PodSecurityDecision.ALLOWED);
	}

	private PodSecurityAdmission admission(PodSecurityProperties.Defaults defaults,
			PodSecurityProperties.Exemptions exemptions) {
		return new PodSecurityAdmission(Evaluator.standard(), new PodSecurityProperties(defaults, exemptions),
				this.cluster, Clock.systemUTC(), new PodSecurityMetrics(this.meters, 32));
	}

	private static PodSecurityProperties.Defaults defaults(String enforce) {
		return new PodSecurityProperties.Defaults(enforce, "latest", "privileged", "latest", "privileged", "latest");
	}

	private static PodSecurityProperties.Exemptions exemptions(List<String> users, List<String> runtimeClasses,
			List<String> namespaces) {
		return new PodSecurityProperties.Exemptions(users, runtimeClasses, namespaces);
	}

	static Pod pod(String yaml) {
		return Serialization.unmarshal(yaml, Pod.class);
	}

	private static Pod replica(String name, String controllerUid) {
		return new PodBuilder(pod(PRIVILEGED_POD)).editMetadata()
			.withName(name)
			.addNewOwnerReference()
			.withController(true)
			.withUid(controllerUid)
			.withKind("ReplicaSet")
			.withName("web")
			.withApiVersion("apps/v1")
			.endOwnerReference()
			.endMetadata()
			.build();
	}

	private static Deployment deployment(String podYaml) {
		Pod pod = pod(podYaml);
		return new DeploymentBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("ns")
			.endMetadata()
			.withNewSpec()
			.withNewTemplate()
			.withMetadata(pod.getMetadata())
			.withSpec(pod.getSpec())
			.endTemplate()
			.endSpec()
			.build();
	}

	private static Namespace namespace(String name, Map<String, String> labels) {
		return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
	}

	private static AdmissionAttributes create(String resource, HasMetadata object) {
		String group = "deployments".equals(resource) ? "apps" : "";
		return attributes("CREATE", group, resource, "", object, null, "u");
	}

	private static AdmissionAttributes update(String resource, HasMetadata object, HasMetadata old) {
		return attributes("UPDATE", "", resource, "", object, old, "u");
	}

	private static AdmissionAttributes attributes(String operation, String group, String resource, String subresource,
			HasMetadata object, HasMetadata old, String user) {
		HasMetadata named = object != null ? object : old;
		String namespace = "namespaces".equals(resource) ? "" : named.getMetadata().getNamespace();
		return new AdmissionAttributes(operation, group, "v1", resource, subresource, namespace,
				named.getMetadata().getName(), object, old, false, UserInfo.of(user, List.of()), new ArrayList<>());
	}

	/** Namespaces and pods held in memory; a namespace not put here cannot be read. */
	private static final class FakeCluster implements ClusterReader {

		private final Map<String, Namespace> namespaces = new HashMap<>();

		private final Map<String, List<Pod>> pods = new HashMap<>();

		void namespace(String name, Map<String, String> labels) {
			this.namespaces.put(name, PodSecurityAdmissionTest.namespace(name, labels));
		}

		@Override
		public Optional<Namespace> namespace(String name) {
			if (!this.namespaces.containsKey(name)) {
				throw new IllegalStateException("connection refused");
			}
			return Optional.of(this.namespaces.get(name));
		}

		@Override
		public List<Pod> pods(String namespace) {
			return this.pods.getOrDefault(namespace, List.of());
		}

	}

}
