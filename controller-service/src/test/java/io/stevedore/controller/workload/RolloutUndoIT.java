package io.stevedore.controller.workload;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.controller.support.ControlPlaneExtension;
import io.stevedore.controller.support.Kubectl;
import io.stevedore.controller.support.TestPods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real kubectl's {@code rollout undo} against the real apiserver and the workload
 * controllers. kubectl decides client-side whether the revision asked for is the current
 * template: for DaemonSets and StatefulSets by comparing the bytes it builds from the
 * live object with the ControllerRevision's data ({@link RevisionData}), for Deployments
 * semantically against the ReplicaSet's template. Equal: it says {@code skipped rollback}
 * and writes nothing.
 */
class RolloutUndoIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	static final ControlPlaneExtension plane = new ControlPlaneExtension(
			"--stevedore.controllers.enabled=daemonset,statefulset,deployment,replicaset");

	@Test
	void undoToTheCurrentRevisionOfADaemonSetIsSkippedAndUndoToAnOlderOneRollsBack() throws Exception {
		String ns = namespace();
		client().apps()
			.daemonSets()
			.inNamespace(ns)
			.resource(new DaemonSetBuilder().withNewMetadata()
				.withName("agent")
				.endMetadata()
				.withNewSpec()
				.withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "agent").build())
				.withTemplate(template("agent"))
				.endSpec()
				.build())
			.create();

		undoScenario(ns, "daemonset/agent", () -> client().apps().daemonSets().inNamespace(ns).withName("agent").get());
	}

	@Test
	void undoToTheCurrentRevisionOfAStatefulSetIsSkippedAndUndoToAnOlderOneRollsBack() throws Exception {
		String ns = namespace();
		client().apps()
			.statefulSets()
			.inNamespace(ns)
			.resource(new StatefulSetBuilder().withNewMetadata()
				.withName("web")
				.endMetadata()
				.withNewSpec()
				.withReplicas(1)
				.withServiceName("web")
				.withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
				.withTemplate(template("web"))
				.endSpec()
				.build())
			.create();

		undoScenario(ns, "statefulset/web", () -> client().apps().statefulSets().inNamespace(ns).withName("web").get());
	}

	@Test
	void undoToTheCurrentRevisionOfADeploymentIsSkippedAndUndoToAnOlderOneRollsBack() throws Exception {
		String ns = namespace();
		client().apps()
			.deployments()
			.inNamespace(ns)
			.resource(new DeploymentBuilder().withNewMetadata()
				.withName("api")
				.endMetadata()
				.withNewSpec()
				.withReplicas(1)
				.withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "api").build())
				.withTemplate(template("api"))
				.endSpec()
				.build())
			.create();

		undoScenario(ns, "deployment/api", () -> client().apps().deployments().inNamespace(ns).withName("api").get());
	}

	/**
	 * Revision 1 (busybox:1), undo to 1 skipped; revision 2 (busybox:2), undo to 2
	 * skipped; undo to 1 rolls back to busybox:1.
	 */
	private static void undoScenario(String ns, String ref, Supplier<HasMetadata> live) throws Exception {
		Kubectl kubectl = new Kubectl(plane.client().getConfiguration().getMasterUrl().replaceAll("/$", ""));
		awaitRevisions(ns, kubectl, ref, 1);
		assertSkipped(kubectl, ns, ref, 1, live);

		kubectl.ok("-n", ns, "set", "image", ref, "app=busybox:2");
		awaitRevisions(ns, kubectl, ref, 2);
		assertSkipped(kubectl, ns, ref, 2, live);

		assertThat(kubectl.ok("-n", ns, "rollout", "undo", ref, "--to-revision=1")).contains("rolled back");
		assertThat(image(live.get())).isEqualTo("busybox:1");
		awaitRevisions(ns, kubectl, ref, 3);
		assertSkipped(kubectl, ns, ref, 3, live);
		if (!ref.startsWith("deployment")) {
			assertThat(client().apps().controllerRevisions().inNamespace(ns).list().getItems())
				.as("the template of revision 1 came back as revision 3, no duplicate")
				.hasSize(2)
				.allSatisfy(r -> assertThat(
						RevisionData.matches(r.getData(), RevisionData.of(ControllerHistory.templateOf(r))))
					.isTrue());
		}
	}

	/**
	 * {@code rollout undo --to-revision=<current>}: kubectl's message, and the object is
	 * not written (same resourceVersion, once the controller's status writes settled).
	 */
	private static void assertSkipped(Kubectl kubectl, String ns, String ref, int revision, Supplier<HasMetadata> live)
			throws Exception {
		String before = settledResourceVersion(live);

		String output = kubectl.ok("-n", ns, "rollout", "undo", ref, "--to-revision=" + revision);

		assertThat(output).contains("skipped rollback (current template already matches revision " + revision + ")");
		assertThat(live.get().getMetadata().getResourceVersion()).isEqualTo(before);
	}

	/** The resourceVersion once it stayed the same for a second. */
	private static String settledResourceVersion(Supplier<HasMetadata> live) {
		String[] last = { null };
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
			String now = live.get().getMetadata().getResourceVersion();
			boolean same = now.equals(last[0]);
			last[0] = now;
			return same;
		});
		return last[0];
	}

	/** Waits until {@code rollout history} lists {@code newest} as its last revision. */
	private static void awaitRevisions(String ns, Kubectl kubectl, String ref, int newest) {
		await().atMost(TIMEOUT)
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(kubectl.ok("-n", ns, "rollout", "history", ref))
				.containsPattern("(?m)^" + newest + "\\s"));
	}

	private static PodTemplateSpec template(String app) {
		PodTemplateSpec template = TestPods.template(Map.of("app", app));
		template.getSpec().getContainers().get(0).setImage("busybox:1");
		Container container = template.getSpec().getContainers().get(0);
		// Characters Go escapes in JSON: the bytes must still be Kubernetes'.
		container.setCommand(List.of("sh", "-c", "sleep 1 && echo '<done>'"));
		// What Go's round trip changes: quantities made canonical, omitempty zeros
		// dropped (an empty env value, hostNetwork false, initialDelaySeconds 0, readOnly
		// false), pointer zeros kept (runAsNonRoot false), empty structs kept (emptyDir).
		container.setResources(new ResourceRequirementsBuilder().addToLimits("cpu", new Quantity("0.5"))
			.addToLimits("memory", new Quantity("1024Mi"))
			.build());
		container.setEnv(List.of(new EnvVarBuilder().withName("EMPTY").withValue("").build()));
		container.setPorts(List.of(new ContainerPortBuilder().withName("http").withContainerPort(8080).build()));
		container.setReadinessProbe(new ProbeBuilder().withNewHttpGet()
			.withPath("/ready?a=1&b=2")
			.withPort(new IntOrString("http"))
			.endHttpGet()
			.withInitialDelaySeconds(0)
			.build());
		container.setVolumeMounts(List
			.of(new VolumeMountBuilder().withName("scratch").withMountPath("/scratch").withReadOnly(false).build()));
		container.setSecurityContext(new SecurityContextBuilder().withRunAsNonRoot(false).build());
		template.getSpec().setHostNetwork(false);
		template.getSpec()
			.setVolumes(List.of(new VolumeBuilder().withName("scratch").withNewEmptyDir().endEmptyDir().build()));
		return template;
	}

	private static String image(HasMetadata workload) {
		PodTemplateSpec template = switch (workload) {
			case DaemonSet ds -> ds.getSpec().getTemplate();
			case StatefulSet set -> set.getSpec().getTemplate();
			case Deployment deployment -> deployment.getSpec().getTemplate();
			default -> throw new IllegalArgumentException(workload.getKind());
		};
		return template.getSpec().getContainers().get(0).getImage();
	}

	private static KubernetesClient client() {
		return plane.client();
	}

	private static String namespace() {
		String ns = "undo-" + UUID.randomUUID().toString().substring(0, 8);
		client().namespaces()
			.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
			.create();
		return ns;
	}

}
