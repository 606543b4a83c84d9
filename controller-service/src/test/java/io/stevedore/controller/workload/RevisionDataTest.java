package io.stevedore.controller.workload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of a ControllerRevision's data, as kube-controller-manager writes them and as
 * kubectl's {@code getDaemonSetPatch}/{@code getStatefulSetPatch} rebuild them from the
 * live object (json.Marshal of k8s.io/api's structs, then of a map: sorted keys).
 */
class RevisionDataTest {

	/**
	 * What Kubernetes 1.32 stores for a DaemonSet of nginx:1.14 as the apiserver
	 * defaulted it (kubectl get controllerrevision -o json, data).
	 */
	private static final String KUBERNETES_DATA = "{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":"
			+ "{\"creationTimestamp\":null,\"labels\":{\"app\":\"nginx\",\"tier\":\"web\"}},\"spec\":{\"containers\":"
			+ "[{\"image\":\"nginx:1.14\",\"imagePullPolicy\":\"IfNotPresent\",\"name\":\"nginx\",\"resources\":{},"
			+ "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\"}],"
			+ "\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\","
			+ "\"securityContext\":{},\"terminationGracePeriodSeconds\":30}}}}";

	@Test
	void theDataIsKubernetesBytesWithSortedKeysPatchReplaceFirstCreationTimestampNullAndEmptyResources() {
		assertThat(RevisionData.of(defaulted(Map.of("tier", "web", "app", "nginx")))).isEqualTo(KUBERNETES_DATA);
	}

	@Test
	void labelsInAnotherOrderGiveTheSameBytes() {
		Map<String, String> oneOrder = new LinkedHashMap<>();
		oneOrder.put("tier", "web");
		oneOrder.put("app", "nginx");
		Map<String, String> otherOrder = new LinkedHashMap<>();
		otherOrder.put("app", "nginx");
		otherOrder.put("tier", "web");

		assertThat(RevisionData.of(defaulted(oneOrder))).isEqualTo(RevisionData.of(defaulted(otherOrder)));
	}

	@Test
	void omitemptyZerosAreDroppedAsGoDropsThemButPointerZerosAndFieldsWithoutOmitemptyStay() {
		PodTemplateSpec template = defaulted(Map.of("app", "nginx"));
		template.getSpec().setHostNetwork(false);
		template.getSpec().setAutomountServiceAccountToken(false);
		template.getSpec().setTerminationGracePeriodSeconds(0L);
		template.getSpec().setNodeName("");
		template.getMetadata().setAnnotations(Map.of());
		var container = template.getSpec().getContainers().get(0);
		container.setArgs(List.of());
		container.setStdin(false);
		container.setPorts(List.of(new io.fabric8.kubernetes.api.model.ContainerPortBuilder().withContainerPort(80)
			.withHostPort(0)
			.build()));

		String data = RevisionData.of(template);

		assertThat(data).doesNotContain("hostNetwork", "nodeName", "annotations", "args", "stdin", "hostPort")
			.contains("\"automountServiceAccountToken\":false", "\"terminationGracePeriodSeconds\":0",
					"\"ports\":[{\"containerPort\":80}]");
	}

	@Test
	void stringsAreEscapedAsGoEscapesThem() {
		PodTemplateSpec template = defaulted(Map.of("app", "nginx"));
		template.getSpec().getContainers().get(0).setCommand(List.of("sh", "-c", "a && b <in >out\n\ttab\u2028"));

		assertThat(RevisionData.of(template))
			.contains("\"command\":[\"sh\",\"-c\",\"a \\u0026\\u0026 b \\u003cin \\u003eout\\n\\ttab\\u2028\"]");
	}

	@Test
	void quantitiesAreWrittenInTheirCanonicalForm() {
		PodTemplateSpec template = defaulted(Map.of("app", "nginx"));
		template.getSpec()
			.getContainers()
			.get(0)
			.setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
				.addToLimits("memory", new Quantity("1024Mi"))
				.addToLimits("cpu", new Quantity("0.5"))
				.build());

		assertThat(RevisionData.of(template))
			.contains("\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}");
	}

	@Test
	void storedDataMatchesOnlyWhenItsKeysAreInKubernetesOrder() {
		String expected = RevisionData.of(defaulted(Map.of("app", "nginx")));
		Object sorted = Serialization.unmarshal(expected, Map.class);
		Object oldFormat = Map.of("spec", Map.of("template",
				Serialization.jsonMapper().convertValue(defaulted(Map.of("app", "nginx")), Map.class)));

		assertThat(RevisionData.matches(sorted, expected)).isTrue();
		assertThat(RevisionData.matches(oldFormat, expected)).isFalse();
	}

	@Test
	void aRevisionStoredInTheOldFormatIsKeptUnderItsNameHashAndNumberAndRewrittenInKubernetesBytes() {
		DaemonSet ds = daemonSet();
		ControllerRevision old = ControllerHistory.newRevision(ds, ds.getSpec().getTemplate(), "oldhash", 3, Map.of());
		Map<String, Object> replace = new LinkedHashMap<>(
				Serialization.jsonMapper().convertValue(ds.getSpec().getTemplate(), Map.class));
		replace.put("$patch", "replace");
		old.setData(Map.of("spec", Map.of("template", replace)));
		RecordingRevisionWriter writer = new RecordingRevisionWriter();
		writer.stored.add(old);

		ControllerHistory.Revisions revisions = ControllerHistory.sync(ds, ds.getSpec().getTemplate(), null,
				List.of(old), Map.of(), writer);

		assertThat(writer.created).as("no new revision, no new hash").isEmpty();
		assertThat(writer.replaced).containsExactly("agent-oldhash");
		assertThat(revisions.hash()).isEqualTo("oldhash");
		assertThat(revisions.current().getRevision()).isEqualTo(3L);
		assertThat(Serialization.asJson(writer.stored.get(0).getData()))
			.isEqualTo(RevisionData.of(ds.getSpec().getTemplate()));

		ControllerHistory.sync(ds, ds.getSpec().getTemplate(), null, List.copyOf(writer.stored), Map.of(), writer);

		assertThat(writer.replaced).as("once").hasSize(1);
		assertThat(writer.created).isEmpty();
	}

	/** A template as the apiserver returns it after defaulting. */
	private static PodTemplateSpec defaulted(Map<String, String> labels) {
		return new PodTemplateSpecBuilder().withNewMetadata()
			.withLabels(new LinkedHashMap<>(labels))
			.endMetadata()
			.withNewSpec()
			.addNewContainer()
			.withName("nginx")
			.withImage("nginx:1.14")
			.withImagePullPolicy("IfNotPresent")
			.withTerminationMessagePath("/dev/termination-log")
			.withTerminationMessagePolicy("File")
			.endContainer()
			.withRestartPolicy("Always")
			.withTerminationGracePeriodSeconds(30L)
			.withDnsPolicy("ClusterFirst")
			.withSecurityContext(new io.fabric8.kubernetes.api.model.PodSecurityContext())
			.withSchedulerName("default-scheduler")
			.endSpec()
			.build();
	}

	private static DaemonSet daemonSet() {
		return new DaemonSetBuilder().withNewMetadata()
			.withNamespace("kube-system")
			.withName("agent")
			.withUid("ds-uid")
			.endMetadata()
			.withNewSpec()
			.withTemplate(defaulted(Map.of("app", "agent")))
			.endSpec()
			.build();
	}

}
