package io.stevedore.machinery.defaulting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.validation.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultingTest {

	private static <T extends HasMetadata> T defaulted(String yaml, Class<T> type) {
		return Manifests.defaulted(yaml, type, x -> {
		});
	}

	private static <T extends HasMetadata> Arguments d(String name, String yaml, Class<T> type,
			Function<T, Object> field, Object expected) {
		return Arguments.of(name, yaml, type, field, expected);
	}

	private static Container web(Pod p) {
		return p.getSpec().getContainers().get(0);
	}

	static Stream<Arguments> cases() {
		String pod = Manifests.POD;
		String latest = pod.replace("nginx:1.27", "nginx");
		String deploy = Manifests.DEPLOYMENT;
		return Stream.of(d("a pod restarts Always", pod, Pod.class, p -> p.getSpec().getRestartPolicy(), "Always"),
				d("a pod's dnsPolicy is ClusterFirst", pod, Pod.class, p -> p.getSpec().getDnsPolicy(), "ClusterFirst"),
				d("a pod is scheduled by default-scheduler", pod, Pod.class, p -> p.getSpec().getSchedulerName(),
						"default-scheduler"),
				d("a pod has 30s to terminate", pod, Pod.class, p -> p.getSpec().getTerminationGracePeriodSeconds(),
						30L),
				d("a pod gets an empty securityContext", pod, Pod.class, p -> p.getSpec().getSecurityContext() != null,
						true),
				d("a pod enables service links", pod, Pod.class, p -> p.getSpec().getEnableServiceLinks(), true),
				d("a tagged image is pulled IfNotPresent", pod, Pod.class, p -> web(p).getImagePullPolicy(),
						"IfNotPresent"),
				d("an untagged image is pulled Always", latest, Pod.class, p -> web(p).getImagePullPolicy(), "Always"),
				d("a :latest image is pulled Always", pod.replace("nginx:1.27", "registry:5000/nginx:latest"),
						Pod.class, p -> web(p).getImagePullPolicy(), "Always"),
				d("a registry port is not a tag", pod.replace("nginx:1.27", "registry:5000/nginx"), Pod.class,
						p -> web(p).getImagePullPolicy(), "Always"),
				d("a digest-only image is pulled IfNotPresent", pod.replace("nginx:1.27", "nginx@sha256:abc"),
						Pod.class, p -> web(p).getImagePullPolicy(), "IfNotPresent"),
				d("termination messages go to /dev/termination-log", pod, Pod.class,
						p -> web(p).getTerminationMessagePath() + " " + web(p).getTerminationMessagePolicy(),
						"/dev/termination-log File"),
				d("a container port is TCP", pod, Pod.class, p -> web(p).getPorts().get(0).getProtocol(), "TCP"),
				d("a probe gets period, timeout and thresholds", pod, Pod.class,
						p -> List.of(web(p).getLivenessProbe().getPeriodSeconds(),
								web(p).getLivenessProbe().getTimeoutSeconds(),
								web(p).getLivenessProbe().getSuccessThreshold(),
								web(p).getLivenessProbe().getFailureThreshold()),
						List.of(10, 1, 1, 3)),
				d("an httpGet probe uses HTTP", pod, Pod.class,
						p -> web(p).getReadinessProbe().getHttpGet().getScheme(), "HTTP"),
				d("a configMap volume is mode 0644", pod, Pod.class,
						p -> p.getSpec().getVolumes().get(0).getConfigMap().getDefaultMode(), 420),
				d("a fieldRef is in v1", pod, Pod.class,
						p -> web(p).getEnv().get(1).getValueFrom().getFieldRef().getApiVersion(), "v1"),
				d("quantities are stored canonically", pod.replace("memory: 128Mi", "memory: 0.125Gi"), Pod.class,
						p -> web(p).getResources().getLimits().get("memory").toString(), "128Mi"),
				d("a deployment has one replica", deploy.replace("  replicas: 3\n", ""), Deployment.class,
						x -> x.getSpec().getReplicas(), 1),
				d("a deployment rolls 25%/25%", deploy, Deployment.class,
						x -> List.of(x.getSpec().getStrategy().getType(),
								x.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal(),
								x.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()),
						List.of("RollingUpdate", "25%", "25%")),
				d("a deployment keeps 10 revisions and a 600s deadline", deploy, Deployment.class,
						x -> List.of(x.getSpec().getRevisionHistoryLimit(), x.getSpec().getProgressDeadlineSeconds()),
						List.of(10, 600)),
				d("a deployment's template is defaulted", deploy, Deployment.class,
						x -> x.getSpec().getTemplate().getSpec().getRestartPolicy(), "Always"),
				d("requests are not copied from limits in templates", deploy, Deployment.class,
						x -> x.getSpec()
							.getTemplate()
							.getSpec()
							.getContainers()
							.get(0)
							.getResources()
							.getRequests()
							.isEmpty(),
						true),
				d("a daemonset rolls one at a time", deploy.replace("Deployment", "DaemonSet"), DaemonSet.class,
						x -> List.of(x.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(),
								x.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal()),
						List.of(1, 0)),
				d("a statefulset is OrderedReady with partition 0", deploy.replace("Deployment", "StatefulSet"),
						StatefulSet.class,
						x -> List.of(x.getSpec().getPodManagementPolicy(),
								x.getSpec().getUpdateStrategy().getRollingUpdate().getPartition(),
								x.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()),
						List.of("OrderedReady", 0, "Retain")),
				d("a job runs once with backoffLimit 6", Manifests.JOB.replace("  backoffLimit: 4\n", ""), Job.class,
						x -> List.of(x.getSpec().getCompletions(), x.getSpec().getParallelism(),
								x.getSpec().getBackoffLimit(), x.getSpec().getCompletionMode(),
								x.getSpec().getSuspend()),
						List.of(1, 1, 6, "NonIndexed", false)),
				d("a job's template restartPolicy is not defaulted",
						Manifests.JOB.replace("      restartPolicy: Never\n", ""), Job.class,
						x -> x.getSpec().getTemplate().getSpec().getRestartPolicy(), null),
				d("a cronjob allows concurrency and keeps 3/1 jobs", Manifests.CRONJOB, CronJob.class,
						x -> List.of(x.getSpec().getConcurrencyPolicy(), x.getSpec().getSuspend(),
								x.getSpec().getSuccessfulJobsHistoryLimit(), x.getSpec().getFailedJobsHistoryLimit()),
						List.of("Allow", false, 3, 1)),
				d("a service is ClusterIP without affinity", Manifests.SERVICE, Service.class,
						x -> List.of(x.getSpec().getType(), x.getSpec().getSessionAffinity(),
								x.getSpec().getInternalTrafficPolicy(), x.getSpec().getIpFamilyPolicy(),
								x.getSpec().getIpFamilies()),
						List.of("ClusterIP", "None", "Cluster", "SingleStack", List.of("IPv4"))),
				d("a service port is TCP and targets itself", Manifests.SERVICE.replace(", targetPort: 8080", ""),
						Service.class,
						x -> List.of(x.getSpec().getPorts().get(0).getProtocol(),
								x.getSpec().getPorts().get(0).getTargetPort().getIntVal()),
						List.of("TCP", 80)),
				d("a service gets no clusterIP from defaulting", Manifests.SERVICE, Service.class,
						x -> x.getSpec().getClusterIP(), null),
				d("a NodePort service routes externally through the cluster",
						Manifests.SERVICE.replace("spec:\n", "spec:\n  type: NodePort\n"), Service.class,
						x -> List.of(x.getSpec().getExternalTrafficPolicy(),
								x.getSpec().getPorts().get(0).getNodePort() == null),
						List.of("Cluster", true)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	<T extends HasMetadata> void setsKubernetesDefaults(String name, String yaml, Class<T> type,
			Function<T, Object> field, Object expected) {
		assertThat(field.apply(defaulted(yaml, type))).isEqualTo(expected);
	}

	@Test
	void podRequestsDefaultToLimits() {
		Pod p = defaulted(Manifests.POD.replace("      requests: {cpu: 100m, memory: 64Mi}\n", ""), Pod.class);
		assertThat(web(p).getResources().getRequests()).containsEntry("cpu", new Quantity("500m"))
			.containsEntry("memory", new Quantity("128Mi"));
	}

	@Test
	void explicitValuesAreKept() {
		Pod p = Manifests.defaulted(Manifests.POD, Pod.class, x -> {
			x.getSpec().setRestartPolicy("Never");
			web(x).setImagePullPolicy("Never");
		});
		assertThat(p.getSpec().getRestartPolicy()).isEqualTo("Never");
		assertThat(web(p).getImagePullPolicy()).isEqualTo("Never");
	}

	@Test
	void secretStringDataIsMergedIntoData() {
		Secret s = new SecretBuilder().withNewMetadata()
			.withName("s")
			.endMetadata()
			.withStringData(Map.of("password", "hunter2"))
			.withData(Map.of("user", "YWRtaW4="))
			.build();
		Defaulting.apply(Manifests.typeOf(s), s);
		assertThat(s.getType()).isEqualTo("Opaque");
		assertThat(s.getData()).containsEntry("password", "aHVudGVyMg==").containsEntry("user", "YWRtaW4=");
		assertThat(s.getStringData()).isNull();
	}

	@Test
	void aNamespaceIsLabelledWithItsNameAndActive() {
		Namespace ns = new NamespaceBuilder().withNewMetadata().withName("team").endMetadata().build();
		Defaulting.apply(Manifests.typeOf(ns), ns);
		assertThat(ns.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", "team");
		assertThat(ns.getStatus().getPhase()).isEqualTo("Active");
	}

	@Test
	void anHpaScalesOnCpuFromOneReplica() {
		HorizontalPodAutoscaler hpa = new HorizontalPodAutoscalerBuilder().withNewMetadata()
			.withName("web")
			.endMetadata()
			.withNewSpec()
			.withMaxReplicas(5)
			.withNewBehavior()
			.endBehavior()
			.endSpec()
			.build();
		Defaulting.apply(Manifests.typeOf(hpa), hpa);
		assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
		assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(80);
		assertThat(hpa.getSpec().getBehavior().getScaleDown().getPolicies().get(0).getValue()).isEqualTo(100);
		assertThat(hpa.getSpec().getBehavior().getScaleUp().getPolicies()).hasSize(2);
	}

	@Test
	void roleBindingSubjectsGetTheRbacGroup() {
		var rb = new RoleBindingBuilder().withNewMetadata()
			.withName("r")
			.endMetadata()
			.withNewRoleRef(null, "Role", "reader")
			.addNewSubject()
			.withKind("User")
			.withName("alice")
			.endSubject()
			.build();
		Defaulting.apply(Manifests.typeOf(rb), rb);
		assertThat(rb.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
		assertThat(rb.getSubjects().get(0).getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
	}

	@Test
	void aJobWithoutUidGetsNoSelectorYet() {
		Job j = Manifests.defaulted(Manifests.JOB, Job.class, x -> x.getMetadata().setUid(null));
		assertThat(j.getSpec().getSelector()).isNull();
		// The apiserver calls this once it has assigned the uid.
		j.getMetadata().setUid("u-1");
		BatchDefaults.generateSelector(j);
		assertThat(j.getSpec().getSelector().getMatchLabels())
			.containsExactly(Map.entry("batch.kubernetes.io/controller-uid", "u-1"));
		assertThat(Manifests.createErrors(j)).isEmpty();
	}

	@Test
	void aMismatchedTypeIsAProgrammingError() {
		var podType = ResourceRegistry.standard().findByKind("", "Pod").orElseThrow();
		assertThatThrownBy(() -> Defaulting.apply(podType, new Service())).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void defaultsAreIdempotent() {
		Deployment once = defaulted(Manifests.DEPLOYMENT, Deployment.class);
		Deployment twice = defaulted(Manifests.DEPLOYMENT, Deployment.class);
		Defaulting.apply(Manifests.typeOf(twice), twice);
		assertThat(twice).isEqualTo(once);
		assertThat(new IntOrString("25%")).isEqualTo(once.getSpec().getStrategy().getRollingUpdate().getMaxSurge());
	}

}
