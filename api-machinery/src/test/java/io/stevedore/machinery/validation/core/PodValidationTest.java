package io.stevedore.machinery.validation.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.stevedore.machinery.validation.Manifests;
import io.stevedore.machinery.validation.NameValidationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodValidationTest {

	private static Pod pod(Consumer<Pod> change) {
		return Manifests.defaulted(Manifests.POD, Pod.class, change);
	}

	private static Container web(Pod p) {
		return p.getSpec().getContainers().get(0);
	}

	private static Arguments c(String name, Consumer<Pod> change, String... expected) {
		return Arguments.of(name, change, List.of(expected));
	}

	static Stream<Arguments> cases() {
		return Stream.of(
				c("containers are required", p -> p.getSpec().setContainers(List.of()),
						"spec.containers: Required value"),
				c("an image is required", p -> web(p).setImage(""), "spec.containers[0].image: Required value"),
				c("an image has no surrounding whitespace", p -> web(p).setImage(" nginx"),
						"spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace"),
				c("a container name is a DNS label", p -> web(p).setName("Web"),
						"spec.containers[0].name: Invalid value: \"Web\": " + NameValidationTest.LABEL),
				c("container names are unique across init and regular containers",
						p -> p.getSpec()
							.setInitContainers(List.of(new ContainerBuilder(web(p)).withPorts()
								.withLivenessProbe(null)
								.withReadinessProbe(null)
								.build())),
						"spec.initContainers[0].name: Duplicate value: \"web\""),
				c("a container port is between 1 and 65535", p -> web(p).getPorts().get(0).setContainerPort(70000),
						"spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
				c("a container port is required", p -> web(p).getPorts().get(0).setContainerPort(null),
						"spec.containers[0].ports[0].containerPort: Required value"),
				c("a port protocol is TCP, UDP or SCTP", p -> web(p).getPorts().get(0).setProtocol("HTTP"),
						"spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
				c("port names are unique within a container", p -> web(p).setPorts(List.of(
						new ContainerPortBuilder().withName("http").withContainerPort(80).withProtocol("TCP").build(),
						new ContainerPortBuilder().withName("http").withContainerPort(81).withProtocol("TCP").build())),
						"spec.containers[0].ports[1].name: Duplicate value: \"http\""),
				c("a port name is an IANA service name", p -> web(p).getPorts().get(0).setName("web--http"),
						"spec.containers[0].ports[0].name: Invalid value: \"web--http\": must not contain consecutive hyphens"),
				c("an env name is checked", p -> web(p).getEnv().get(0).setName("1MODE"),
						"spec.containers[0].env[0].name: Invalid value: \"1MODE\": " + NameValidationTest.ENV),
				c("an env var takes value or valueFrom, not both", p -> web(p).getEnv().get(1).setValue("x"),
						"spec.containers[0].env[1].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"),
				c("a secretKeyRef needs a key",
						p -> web(p).getEnv()
							.add(new EnvVarBuilder().withName("PASSWORD")
								.withNewValueFrom()
								.withNewSecretKeyRef()
								.withName("db")
								.endSecretKeyRef()
								.endValueFrom()
								.build()),
						"spec.containers[0].env[2].valueFrom.secretKeyRef.key: Required value"),
				c("requests may not exceed limits",
						p -> web(p).getResources().getRequests().put("cpu", new Quantity("1")),
						"spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m"),
				c("a quantity must parse", p -> web(p).getResources().getLimits().put("memory", new Quantity("12 GB")),
						"spec.containers[0].resources.limits[memory]: Invalid value: \"12 GB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
				c("a quantity is not negative",
						p -> web(p).getResources().getRequests().put("memory", new Quantity("-1")),
						"spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0"),
				c("a container resource is a standard one",
						p -> web(p).getResources().getLimits().put("gpu", new Quantity("1")),
						"spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
						// Defaulting copied the limit into the requests, as on a real
						// Pod.
						"spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers"),
				c("extended resources need equal requests and limits",
						p -> web(p).getResources().getRequests().put("example.com/gpu", new Quantity("1")),
						"spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"),
				c("a volume mount refers to a volume", p -> web(p).getVolumeMounts().get(0).setName("data"),
						"spec.containers[0].volumeMounts[0].name: Not found: \"data\""),
				c("mount paths are unique",
						p -> web(p).getVolumeMounts()
							.add(new VolumeMountBuilder().withName("config").withMountPath("/etc/web").build()),
						"spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/etc/web\": must be unique"),
				c("volume names are unique",
						p -> p.getSpec()
							.getVolumes()
							.add(new VolumeBuilder().withName("config").withNewEmptyDir().endEmptyDir().build()),
						"spec.volumes[1].name: Duplicate value: \"config\""),
				c("a volume has one source",
						p -> p.getSpec()
							.getVolumes()
							.get(0)
							.setEmptyDir(new io.fabric8.kubernetes.api.model.EmptyDirVolumeSource()),
						"spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"),
				c("a restartPolicy is Always, OnFailure or Never", p -> p.getSpec().setRestartPolicy("Sometimes"),
						"spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""),
				c("a dnsPolicy is a known one", p -> p.getSpec().setDnsPolicy("Google"),
						"spec.dnsPolicy: Unsupported value: \"Google\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""),
				c("dnsPolicy None needs a dnsConfig", p -> p.getSpec().setDnsPolicy("None"),
						"spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"),
				c("a liveness probe succeeds once", p -> web(p).getLivenessProbe().setSuccessThreshold(2),
						"spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"),
				c("a probe has a handler", p -> web(p).getLivenessProbe().setTcpSocket(null),
						"spec.containers[0].livenessProbe: Required value: must specify a handler type"),
				c("a probe has one handler", p -> web(p).getReadinessProbe()
					.setTcpSocket(new io.fabric8.kubernetes.api.model.TCPSocketAction(null, new IntOrString(80))),
						"spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"),
				c("probe timings are not negative", p -> web(p).getReadinessProbe().setPeriodSeconds(-1),
						"spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"),
				c("a probe's named port is an IANA name",
						p -> web(p).getReadinessProbe().getHttpGet().setPort(new IntOrString("HTTP")),
						"spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
						"spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"HTTP\": must contain at least one letter (a-z)"),
				c("nodeSelector holds labels", p -> p.getSpec().setNodeSelector(Map.of("disk", "fast ssd")),
						"spec.nodeSelector: Invalid value: \"fast ssd\": " + NameValidationTest.LABEL_VALUE),
				c("a toleration effect is a known one", p -> p.getSpec().getTolerations().get(0).setEffect("NoRun"),
						"spec.tolerations[0].effect: Invalid value: \"NoRun\": effect must be 'NoExecute' when `tolerationSeconds` is set",
						"spec.tolerations[0].effect: Unsupported value: \"NoRun\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""),
				c("a toleration operator is Equal or Exists",
						p -> p.getSpec().getTolerations().get(0).setOperator("In"),
						"spec.tolerations[0].operator: Unsupported value: \"In\": supported values: \"Equal\", \"Exists\""),
				c("an empty toleration key needs Exists",
						p -> p.getSpec().getTolerations().add(new TolerationBuilder().withOperator("Equal").build()),
						"spec.tolerations[1].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\""),
				c("the grace period is not negative", p -> p.getSpec().setTerminationGracePeriodSeconds(-5L),
						"spec.terminationGracePeriodSeconds: Invalid value: -5: must be greater than or equal to 0"),
				c("activeDeadlineSeconds is positive", p -> p.getSpec().setActiveDeadlineSeconds(0L),
						"spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 4294967295, inclusive"),
				c("two containers may not share a host port", p -> {
					web(p).getPorts().get(0).setHostPort(8080);
					p.getSpec()
						.getContainers()
						.add(new ContainerBuilder().withName("sidecar")
							.withImage("envoy:1")
							.withImagePullPolicy("IfNotPresent")
							.withTerminationMessagePolicy("File")
							.addNewPort()
							.withContainerPort(9000)
							.withHostPort(8080)
							.withProtocol("TCP")
							.endPort()
							.build());
				}, "spec.containers[1].ports[0].hostPort: Duplicate value: \"/TCP/8080\""));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void rejectsWithKubernetesMessages(String name, Consumer<Pod> change, List<String> expected) {
		assertThat(Manifests.createErrors(pod(change))).containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void anUpdateMayChangeTheImage() {
		Pod old = pod(p -> {
		});
		Pod updated = pod(p -> web(p).setImage("nginx:1.28"));
		assertThat(Manifests.updateErrors(updated, old)).isEmpty();
	}

	@Test
	void anUpdateMayAddATolerationButNotChangeOne() {
		Pod old = pod(p -> {
		});
		Pod added = pod(p -> p.getSpec()
			.getTolerations()
			.add(new TolerationBuilder().withKey("dedicated").withOperator("Exists").build()));
		Pod changed = pod(p -> p.getSpec().getTolerations().get(0).setKey("other"));
		assertThat(Manifests.updateErrors(added, old)).isEmpty();
		assertThat(Manifests.updateErrors(changed, old)).contains(
				"spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
	}

	@Test
	void anUpdateMayNotChangeOtherSpecFields() {
		Pod old = pod(p -> {
		});
		Pod updated = pod(p -> web(p).getEnv().get(0).setValue("debug"));
		assertThat(Manifests.updateErrors(updated, old))
			.containsExactly("spec: Forbidden: " + PodValidation.UPDATE_FORBIDDEN);
	}

	@Test
	void anUpdateMayNotAddContainers() {
		Pod old = pod(p -> {
		});
		Pod updated = pod(p -> p.getSpec().getContainers().add(new ContainerBuilder(web(p)).withName("two").build()));
		assertThat(Manifests.updateErrors(updated, old))
			.containsExactly("spec.containers: Forbidden: pod updates may not add or remove containers");
	}

	@Test
	void activeDeadlineSecondsMayOnlyShrink() {
		Pod old = pod(p -> p.getSpec().setActiveDeadlineSeconds(60L));
		assertThat(Manifests.updateErrors(pod(p -> p.getSpec().setActiveDeadlineSeconds(30L)), old)).isEmpty();
		assertThat(Manifests.updateErrors(pod(p -> p.getSpec().setActiveDeadlineSeconds(90L)), old)).containsExactly(
				"spec.activeDeadlineSeconds: Invalid value: 90: must be less than or equal to previous value");
		assertThat(Manifests.updateErrors(pod(p -> {
		}), old)).containsExactly(
				"spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a positive integer to a nil value");
	}

}
