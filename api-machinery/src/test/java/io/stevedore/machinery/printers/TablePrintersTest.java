package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.stevedore.machinery.conversion.Conversions;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

import static org.assertj.core.api.Assertions.assertThat;

class TablePrintersTest {

	static final Instant NOW = Instant.parse("2025-01-03T12:00:00Z");

	static final ObjectMapper MAPPER = new ObjectMapper();

	/** Created two days and three hours before NOW: AGE 2d3h. */
	static ObjectMeta meta(String name) {
		return new ObjectMetaBuilder().withName(name)
			.withNamespace("default")
			.withCreationTimestamp("2025-01-01T09:00:00Z")
			.withResourceVersion("7")
			.withUid("u-" + name)
			.build();
	}

	static ResourceType type(String group, String plural) {
		return ResourceRegistry.standard()
			.all()
			.stream()
			.filter(t -> t.group().equals(group) && t.plural().equals(plural))
			.findFirst()
			.orElseThrow();
	}

	/** The row's cells as the JSON kubectl receives. */
	static String cells(String group, String plural, HasMetadata object) {
		return TablePrinters.table(type(group, plural), List.of(object), false, "1", null, NOW)
			.at("/rows/0/cells")
			.toString();
	}

	static Stream<Arguments> kinds() {
		var podTemplate = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder().withNewSpec()
			.addNewContainer()
			.withName("web")
			.withImage("nginx:1.27")
			.endContainer()
			.addNewContainer()
			.withName("log")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.build();
		var selector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder().withMatchLabels(Map.of("app", "web"))
			.addNewMatchExpression()
			.withKey("tier")
			.withOperator("In")
			.withValues("b", "a")
			.endMatchExpression()
			.build();
		return Stream.of(
				Arguments.of("deployments show ready/desired, up-to-date and available", "apps", "deployments",
						new DeploymentBuilder().withMetadata(meta("web"))
							.withNewSpec()
							.withReplicas(3)
							.withSelector(selector)
							.withTemplate(podTemplate)
							.endSpec()
							.withNewStatus()
							.withReadyReplicas(2)
							.withUpdatedReplicas(3)
							.withAvailableReplicas(2)
							.endStatus()
							.build(),
						List.of("web", "2/3", 3, 2, "2d3h", "web,log", "nginx:1.27,busybox", "app=web,tier in (a,b)")),
				Arguments.of("replicasets show desired, current and ready numbers", "apps", "replicasets",
						new ReplicaSetBuilder().withMetadata(meta("web-5d4f"))
							.withNewSpec()
							.withReplicas(2)
							.withTemplate(podTemplate)
							.endSpec()
							.withNewStatus()
							.withReplicas(2)
							.withReadyReplicas(1)
							.endStatus()
							.build(),
						List.of("web-5d4f", 2, 2, 1, "2d3h", "web,log", "nginx:1.27,busybox", "<none>")),
				Arguments.of("statefulsets show ready/desired", "apps", "statefulsets",
						new StatefulSetBuilder().withMetadata(meta("db"))
							.withNewSpec()
							.withReplicas(3)
							.withTemplate(podTemplate)
							.endSpec()
							.withNewStatus()
							.withReadyReplicas(3)
							.endStatus()
							.build(),
						List.of("db", "3/3", "2d3h", "web,log", "nginx:1.27,busybox")),
				Arguments.of("daemonsets show scheduling numbers and the node selector", "apps", "daemonsets",
						new DaemonSetBuilder().withMetadata(meta("agent"))
							.withNewSpec()
							.withNewTemplate()
							.withNewSpec()
							.withNodeSelector(Map.of("kubernetes.io/os", "linux"))
							.addNewContainer()
							.withName("agent")
							.withImage("agent:1")
							.endContainer()
							.endSpec()
							.endTemplate()
							.withNewSelector()
							.withMatchLabels(Map.of("app", "agent"))
							.endSelector()
							.endSpec()
							.withNewStatus()
							.withDesiredNumberScheduled(3)
							.withCurrentNumberScheduled(3)
							.withNumberReady(2)
							.withUpdatedNumberScheduled(3)
							.withNumberAvailable(2)
							.endStatus()
							.build(),
						List.of("agent", 3, 3, 2, 3, 2, "kubernetes.io/os=linux", "2d3h", "agent", "agent:1",
								"app=agent")),
				Arguments.of("a finished job shows Complete, completions and how long it ran", "batch", "jobs",
						new JobBuilder().withMetadata(meta("pi"))
							.withNewSpec()
							.withCompletions(1)
							.withTemplate(podTemplate)
							.endSpec()
							.withNewStatus()
							.withSucceeded(1)
							.withStartTime("2025-01-01T09:00:00Z")
							.withCompletionTime("2025-01-01T09:00:42Z")
							.addNewCondition()
							.withType("Complete")
							.withStatus("True")
							.endCondition()
							.endStatus()
							.build(),
						List.of("pi", "Complete", "1/1", "42s", "2d3h", "web,log", "nginx:1.27,busybox", "<none>")),
				Arguments.of("a parallel job without completions shows n/1 of parallelism", "batch", "jobs",
						new JobBuilder().withMetadata(meta("work"))
							.withNewSpec()
							.withParallelism(3)
							.endSpec()
							.withNewStatus()
							.withStartTime("2025-01-03T11:59:00Z")
							.endStatus()
							.build(),
						List.of("work", "Running", "0/1 of 3", "60s", "2d3h", "", "", "<none>")),
				Arguments.of("cronjobs show schedule, suspend, active and last schedule", "batch", "cronjobs",
						new CronJobBuilder().withMetadata(meta("backup"))
							.withNewSpec()
							.withSchedule("*/5 * * * *")
							.withSuspend(false)
							.endSpec()
							.withNewStatus()
							.withLastScheduleTime("2025-01-03T11:55:00Z")
							.addNewActive()
							.withName("backup-1")
							.endActive()
							.endStatus()
							.build(),
						List.of("backup", "*/5 * * * *", "<none>", "False", 1, "5m", "2d3h", "", "", "<none>")),
				Arguments.of("a ClusterIP service shows its IP, no external IP and its ports", "", "services",
						new ServiceBuilder().withMetadata(meta("web"))
							.withNewSpec()
							.withType("ClusterIP")
							.withClusterIPs("10.96.0.10")
							.addNewPort()
							.withPort(80)
							.withProtocol("TCP")
							.endPort()
							.addNewPort()
							.withPort(53)
							.withProtocol("UDP")
							.endPort()
							.withSelector(Map.of("app", "web"))
							.endSpec()
							.build(),
						List.of("web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "2d3h", "app=web")),
				Arguments.of("a LoadBalancer service without address is pending and shows node ports", "", "services",
						new ServiceBuilder().withMetadata(meta("lb"))
							.withNewSpec()
							.withType("LoadBalancer")
							.withClusterIPs("10.96.0.11")
							.addNewPort()
							.withPort(443)
							.withNodePort(30443)
							.withProtocol("TCP")
							.endPort()
							.endSpec()
							.build(),
						List.of("lb", "LoadBalancer", "10.96.0.11", "<pending>", "443:30443/TCP", "2d3h", "<none>")),
				Arguments.of("an ExternalName service shows its external name", "", "services",
						new ServiceBuilder().withMetadata(meta("ext"))
							.withNewSpec()
							.withType("ExternalName")
							.withExternalName("example.com")
							.endSpec()
							.build(),
						List.of("ext", "ExternalName", "<none>", "example.com", "<none>", "2d3h", "<none>")),
				Arguments.of("endpoints show at most three addresses", "", "endpoints",
						new EndpointsBuilder().withMetadata(meta("web"))
							.addNewSubset()
							.addNewAddress()
							.withIp("10.0.0.1")
							.endAddress()
							.addNewAddress()
							.withIp("10.0.0.2")
							.endAddress()
							.addNewPort()
							.withPort(80)
							.endPort()
							.addNewPort()
							.withPort(443)
							.endPort()
							.endSubset()
							.build(),
						List.of("web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "2d3h")),
				Arguments.of("a ready control-plane node shows its role, version and wide details", "", "nodes",
						new NodeBuilder()
							.withMetadata(new ObjectMetaBuilder(meta("n1")).withNamespace(null)
								.withLabels(Map.of("node-role.kubernetes.io/control-plane", ""))
								.build())
							.withNewSpec()
							.withUnschedulable(true)
							.endSpec()
							.withNewStatus()
							.addNewCondition()
							.withType("Ready")
							.withStatus("True")
							.endCondition()
							.addNewAddress()
							.withType("InternalIP")
							.withAddress("172.18.0.2")
							.endAddress()
							.withNewNodeInfo()
							.withKubeletVersion("v1.32.0-stevedore")
							.withOsImage("Debian GNU/Linux 12")
							.endNodeInfo()
							.endStatus()
							.build(),
						List.of("n1", "Ready,SchedulingDisabled", "control-plane", "2d3h", "v1.32.0-stevedore",
								"172.18.0.2", "<none>", "Debian GNU/Linux 12", "<unknown>", "<unknown>")),
				Arguments.of("a node without a Ready condition is Unknown", "", "nodes",
						new NodeBuilder().withMetadata(meta("n2")).build(),
						List.of("n2", "Unknown", "<none>", "2d3h", "", "<none>", "<none>", "<unknown>", "<unknown>",
								"<unknown>")),
				Arguments.of("namespaces show their phase", "", "namespaces",
						new NamespaceBuilder().withMetadata(meta("team-a"))
							.withNewStatus()
							.withPhase("Active")
							.endStatus()
							.build(),
						List.of("team-a", "Active", "2d3h")),
				Arguments.of("configmaps count data and binary data", "", "configmaps",
						new ConfigMapBuilder().withMetadata(meta("cfg"))
							.withData(Map.of("a", "1", "b", "2"))
							.withBinaryData(Map.of("c", "AA=="))
							.build(),
						List.of("cfg", 3, "2d3h")),
				Arguments.of("secrets show type and data count", "", "secrets",
						new SecretBuilder().withMetadata(meta("tls"))
							.withType("kubernetes.io/tls")
							.withData(Map.of("tls.crt", "AA==", "tls.key", "AA=="))
							.build(),
						List.of("tls", "kubernetes.io/tls", 2, "2d3h")),
				Arguments.of("service accounts count their secrets", "", "serviceaccounts",
						new ServiceAccountBuilder().withMetadata(meta("default")).build(),
						List.of("default", 0, "2d3h")),
				Arguments.of("events show last seen, type, reason, object and message", "", "events",
						new EventBuilder().withMetadata(meta("web.1"))
							.withFirstTimestamp("2025-01-03T11:50:00Z")
							.withLastTimestamp("2025-01-03T11:58:00Z")
							.withCount(3)
							.withType("Warning")
							.withReason("BackOff")
							.withNewInvolvedObject()
							.withKind("Pod")
							.withName("web")
							.withFieldPath("spec.containers{app}")
							.endInvolvedObject()
							.withNewSource()
							.withComponent("kubelet")
							.withHost("n1")
							.endSource()
							.withMessage("Back-off restarting failed container\n")
							.build(),
						List.of("2m", "Warning", "BackOff", "pod/web", "spec.containers{app}", "kubelet, n1",
								"Back-off restarting failed container", "10m", 3, "web.1")),
				Arguments.of("new-style events fall back to eventTime and count one", "events.k8s.io", "events",
						new io.fabric8.kubernetes.api.model.events.v1.EventBuilder().withMetadata(meta("web.2"))
							.withEventTime(new io.fabric8.kubernetes.api.model.MicroTime("2025-01-03T11:59:00.000000Z"))
							.withType("Normal")
							.withReason("Scheduled")
							.withNewRegarding()
							.withKind("Pod")
							.withName("web")
							.endRegarding()
							.withReportingController("stevedore-scheduler")
							.withNote("Successfully assigned default/web to n1")
							.build(),
						List.of("60s", "Normal", "Scheduled", "pod/web", "", "stevedore-scheduler",
								"Successfully assigned default/web to n1", "60s", 1, "web.2")),
				Arguments.of("ingresses show class, hosts, address and ports", "networking.k8s.io", "ingresses",
						new IngressBuilder().withMetadata(meta("web"))
							.withNewSpec()
							.withIngressClassName("nginx")
							.addNewRule()
							.withHost("a.example.com")
							.endRule()
							.addNewRule()
							.withHost("b.example.com")
							.endRule()
							.addNewTl()
							.withHosts("a.example.com")
							.endTl()
							.endSpec()
							.withNewStatus()
							.withNewLoadBalancer()
							.addNewIngress()
							.withIp("172.18.0.2")
							.endIngress()
							.endLoadBalancer()
							.endStatus()
							.build(),
						List.of("web", "nginx", "a.example.com,b.example.com", "172.18.0.2", "80, 443", "2d3h")),
				Arguments.of("leases show their holder", "coordination.k8s.io", "leases",
						new LeaseBuilder().withMetadata(meta("n1"))
							.withNewSpec()
							.withHolderIdentity("n1")
							.endSpec()
							.build(),
						List.of("n1", "n1", "2d3h")),
				Arguments.of("hpas show reference, targets, bounds and replicas", "autoscaling",
						"horizontalpodautoscalers",
						new HorizontalPodAutoscalerBuilder().withMetadata(meta("web"))
							.withNewSpec()
							.withNewScaleTargetRef()
							.withKind("Deployment")
							.withName("web")
							.endScaleTargetRef()
							.withMinReplicas(1)
							.withMaxReplicas(5)
							.addNewMetric()
							.withType("Resource")
							.withNewResource()
							.withName("cpu")
							.withNewTarget()
							.withType("Utilization")
							.withAverageUtilization(80)
							.endTarget()
							.endResource()
							.endMetric()
							.endSpec()
							.withNewStatus()
							.withCurrentReplicas(2)
							.addNewCurrentMetric()
							.withType("Resource")
							.withNewResource()
							.withName("cpu")
							.withNewCurrent()
							.withAverageUtilization(40)
							.endCurrent()
							.endResource()
							.endCurrentMetric()
							.endStatus()
							.build(),
						List.of("web", "Deployment/web", "cpu: 40%/80%", "1", 5, 2, "2d3h")),
				Arguments.of("pdbs show min available, max unavailable and allowed disruptions", "policy",
						"poddisruptionbudgets",
						new PodDisruptionBudgetBuilder().withMetadata(meta("web"))
							.withNewSpec()
							.withMinAvailable(new IntOrString("50%"))
							.endSpec()
							.withNewStatus()
							.withDisruptionsAllowed(1)
							.endStatus()
							.build(),
						List.of("web", "50%", "N/A", 1, "2d3h")),
				Arguments
					.of("priority classes show value, global default and preemption policy", "scheduling.k8s.io",
							"priorityclasses",
							new PriorityClassBuilder().withMetadata(meta("high"))
								.withValue(1000)
								.withGlobalDefault(false)
								.withPreemptionPolicy("PreemptLowerPriority")
								.build(),
							List.of("high", 1000, false, "2d3h", "PreemptLowerPriority")),
				Arguments.of("the default storage class is marked and defaults are shown", "storage.k8s.io",
						"storageclasses",
						new StorageClassBuilder()
							.withMetadata(new ObjectMetaBuilder(meta("local"))
								.withAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "true"))
								.build())
							.withProvisioner("stevedore.io/local")
							.build(),
						List.of("local (default)", "stevedore.io/local", "Delete", "Immediate", false, "2d3h")),
				Arguments.of("role bindings show role and subjects by kind", "rbac.authorization.k8s.io",
						"rolebindings",
						new RoleBindingBuilder().withMetadata(meta("read"))
							.withNewRoleRef()
							.withKind("ClusterRole")
							.withName("view")
							.endRoleRef()
							.addNewSubject()
							.withKind("User")
							.withName("alice")
							.endSubject()
							.addNewSubject()
							.withKind("ServiceAccount")
							.withNamespace("ci")
							.withName("deployer")
							.endSubject()
							.build(),
						List.of("read", "ClusterRole/view", "2d3h", "alice", "", "ci/deployer")),
				Arguments.of("kinds without a printer get Kubernetes' default NAME and CREATED AT",
						"rbac.authorization.k8s.io", "clusterroles",
						new ClusterRoleBuilder().withMetadata(meta("view")).build(),
						List.of("view", "2025-01-01T09:00:00Z")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("kinds")
	void cellsAreThoseKubernetesPrints(String description, String group, String plural, HasMetadata object,
			List<Object> expected) throws Exception {
		assertThat(cells(group, plural, object)).isEqualTo(MAPPER.writeValueAsString(expected));
		assertThat(TablePrinters.columns(type(group, plural))).hasSize(expected.size());
	}

	@Test
	void everyServedKindHasAPrinterExceptThoseKubernetesPrintsByDefault() {
		// A version stored as another (autoscaling/v1 HPAs) is printed from the stored
		// form, as Kubernetes prints from its internal version.
		List<String> defaulted = ResourceRegistry.standard()
			.all()
			.stream()
			.filter(t -> !Conversions.standard().isConverted(t))
			.filter(t -> !TablePrinters.printedTypes().contains(t.javaType()))
			.map(ResourceType::plural)
			.toList();
		assertThat(defaulted).containsExactlyInAnyOrder("limitranges", "roles", "clusterroles");
	}

	@Test
	void tableCarriesColumnsListMetadataAndPartialObjectMetadataByDefault() {
		var pod = new PodBuilder().withMetadata(meta("web")).withNewSpec().endSpec().build();
		ObjectNode table = TablePrinters.table(type("", "pods"), List.of(pod), false, "42", "next-page", NOW);
		assertThat(table.get("kind").asText()).isEqualTo("Table");
		assertThat(table.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
		assertThat(table.at("/metadata/resourceVersion").asText()).isEqualTo("42");
		assertThat(table.at("/metadata/continue").asText()).isEqualTo("next-page");
		assertThat(table.get("columnDefinitions")).hasSize(9);
		assertThat(table.at("/columnDefinitions/0").toString()).startsWith(
				"{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\",\"description\":\"Name must be unique");
		assertThat(table.at("/columnDefinitions/5/name").asText()).isEqualTo("IP");
		assertThat(table.at("/columnDefinitions/5/priority").asInt()).isEqualTo(1);
		assertThat(table.at("/columnDefinitions/4/priority").asInt()).isZero();
		JsonNode object = table.at("/rows/0/object");
		assertThat(object.get("kind").asText()).isEqualTo("PartialObjectMetadata");
		assertThat(object.get("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
		assertThat(object.at("/metadata/uid").asText()).isEqualTo("u-web");
		assertThat(object.has("spec")).isFalse();
	}

	@Test
	void includeObjectChoosesTheFullObjectOrNothing() {
		var cm = new ConfigMapBuilder().withMetadata(meta("cfg")).withData(Map.of("a", "1")).build();
		JsonNode full = TablePrinters.table(type("", "configmaps"), List.of(cm), true, null, null, NOW)
			.at("/rows/0/object");
		assertThat(full.get("kind").asText()).isEqualTo("ConfigMap");
		assertThat(full.at("/data/a").asText()).isEqualTo("1");
		JsonNode none = TablePrinters.table(type("", "configmaps"), List.of(cm), IncludeObject.NONE, null, null, NOW)
			.at("/rows/0");
		assertThat(none.has("object")).isFalse();
		ObjectNode empty = TablePrinters.table(type("", "configmaps"), List.of(), false, "1", null, NOW);
		assertThat(empty.get("rows")).isEmpty();
		assertThat(empty.at("/metadata").has("continue")).isFalse();
	}

	@Test
	void includeObjectParameterIsParsedCaseInsensitivelyAndRejectsUnknownValues() {
		assertThat(IncludeObject.parse(null)).isEqualTo(IncludeObject.METADATA);
		assertThat(IncludeObject.parse("Object")).isEqualTo(IncludeObject.OBJECT);
		assertThat(IncludeObject.parse("None")).isEqualTo(IncludeObject.NONE);
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> IncludeObject.parse("Everything"))
			.hasMessageContaining("includeObject");
	}

	@Test
	void kubectlsAcceptHeaderAsksForAV1Table() {
		assertThat(TablePrinters.requestedTableVersion(
				"application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"))
			.contains("v1");
		assertThat(TablePrinters.requestedTableVersion("application/json;as=Table;v=v1beta1;g=meta.k8s.io"))
			.contains("v1beta1");
		assertThat(TablePrinters.requestedTableVersion("application/json")).isEmpty();
		assertThat(TablePrinters.requestedTableVersion(null)).isEmpty();
	}

	@Test
	void quantitiesPrintAsWritten() {
		assertThat(new Quantity("1Gi").toString()).isEqualTo("1Gi");
	}

}
