package io.stevedore.gateway.admission.limitranger;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.LimitRangeItemBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LimitRanger's defaults and bounds, with kube-apiserver's messages. */
class LimitRangerTest {

	static Stream<Arguments> refusals() {
		return Stream.of(
				Arguments.of("a container limit over the Container max is refused",
						item("Container").withMax(q("cpu", "1")).build(), pod(container("c", "500m", "2")),
						"maximum cpu usage per Container is 1, but limit is 2"),
				Arguments.of("a container request under the Container min is refused",
						item("Container").withMin(q("memory", "64Mi")).build(), pod(containerMem("c", "32Mi", null)),
						"minimum memory usage per Container is 64Mi, but request is 32Mi"),
				Arguments.of("a container without a limit under a Container max is refused",
						item("Container").withMax(q("cpu", "1")).build(), pod(container("c", "500m", null)),
						"maximum cpu usage per Container is 1.  No limit is specified"),
				Arguments.of("a container without a request under a Container min is refused",
						item("Container").withMin(q("cpu", "100m")).build(), pod(container("c", null, "1")),
						"minimum cpu usage per Container is 100m.  No request is specified"),
				Arguments.of("a limit-to-request ratio over the maximum is refused",
						item("Container").withMaxLimitRequestRatio(q("cpu", "2")).build(),
						pod(container("c", "250m", "1")),
						"cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000"),
				Arguments.of("an init container is bounded like a container",
						item("Container").withMax(q("cpu", "1")).build(),
						podWithInit(container("c", "1", "1"), container("init", "3", "3")),
						"maximum cpu usage per Container is 1, but limit is 3"),
				Arguments.of("the containers of a pod together over the Pod max are refused",
						item("Pod").withMax(q("cpu", "1")).build(),
						pod(container("a", "600m", "600m"), container("b", "600m", "600m")),
						"maximum cpu usage per Pod is 1, but limit is 1200m"),
				Arguments.of("every broken bound is named, in brackets",
						item("Container").withMax(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")))
							.build(),
						pod(new ContainerBuilder().withName("c")
							.withNewResources()
							.withLimits(Map.of("cpu", new Quantity("2"), "memory", new Quantity("2Gi")))
							.endResources()
							.build()),
						"[maximum cpu usage per Container is 1, but limit is 2, "
								+ "maximum memory usage per Container is 1Gi, but limit is 2Gi]"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("refusals")
	void refuses(String sentence, LimitRangeItem item, Pod pod, String reason) {
		LimitRanger plugin = plugin(item);
		assertThatThrownBy(() -> plugin.validate(AdmissionRequests.create("/pods", pod)))
			.isInstanceOfSatisfying(AdmissionDenied.class, (denied) -> {
				assertThat(denied.status().getCode()).isEqualTo(403);
				assertThat(denied.status().getReason()).isEqualTo("Forbidden");
				assertThat(denied.status().getMessage()).isEqualTo("pods \"p\" is forbidden: " + reason);
			});
	}

	@Test
	void defaultsFillWhatAContainerLeavesUnsetAndSayWhatTheySet() {
		LimitRanger plugin = plugin(
				item("Container").withDefault(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("128Mi")))
					.withDefaultRequest(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi")))
					.build());
		Pod pod = pod(container("app", null, "1"));
		pod.getSpec().setInitContainers(List.of(new ContainerBuilder().withName("init").build()));

		plugin.admit(AdmissionRequests.create("/pods", pod));

		Container app = pod.getSpec().getContainers().get(0);
		assertThat(app.getResources().getLimits()).containsEntry("cpu", new Quantity("1"))
			.containsEntry("memory", new Quantity("128Mi"));
		assertThat(app.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"))
			.containsEntry("memory", new Quantity("64Mi"));
		assertThat(pod.getSpec().getInitContainers().get(0).getResources().getLimits()).containsEntry("cpu",
				new Quantity("500m"));
		assertThat(pod.getMetadata().getAnnotations()).containsEntry(LimitRanger.ANNOTATION,
				"LimitRanger plugin set: cpu, memory request for container app; memory limit for container app; "
						+ "cpu, memory request for init container init; cpu, memory limit for init container init");
	}

	@Test
	void aPodWithinEveryBoundIsAdmitted() {
		LimitRanger plugin = plugin(item("Container").withMax(q("cpu", "1")).withMin(q("cpu", "100m")).build());
		plugin.validate(AdmissionRequests.create("/pods", pod(container("c", "200m", "1"))));
	}

	@Test
	void podUpdatesAndSubresourcesAreNotLookedAt() {
		LimitRanger plugin = plugin(item("Container").withMax(q("cpu", "1")).build());
		Pod big = pod(container("c", "2", "2"));
		plugin.validate(AdmissionRequests.update("/pods", big, pod(container("c", "2", "2"))));
		plugin.validate(AdmissionRequests.of(AdmissionAttributes.CREATE, "/pods", "binding", big, null));
	}

	@Test
	void aClaimRequestingMoreStorageThanTheMaxIsRefusedOnCreateAndOnResize() {
		LimitRanger plugin = plugin(
				item("PersistentVolumeClaim").withMax(q("storage", "2Gi")).withMin(q("storage", "1Gi")).build());
		PersistentVolumeClaim small = claim("1Gi");
		plugin.validate(AdmissionRequests.create("/persistentvolumeclaims", small));

		assertThatThrownBy(
				() -> plugin.validate(AdmissionRequests.update("/persistentvolumeclaims", claim("5Gi"), small)))
			.hasMessage("persistentvolumeclaims \"data\" is forbidden: maximum storage usage per "
					+ "PersistentVolumeClaim is 2Gi, but request is 5Gi");
		assertThatThrownBy(() -> plugin.validate(AdmissionRequests.create("/persistentvolumeclaims", claim(null))))
			.hasMessage("persistentvolumeclaims \"data\" is forbidden: [minimum storage usage per "
					+ "PersistentVolumeClaim is 1Gi.  No request is specified, maximum storage usage per "
					+ "PersistentVolumeClaim is 2Gi.  No request is specified]");
	}

	@Test
	void aLimitRangeWithoutSpecOrAPodWithoutResourcesDoesNotBreakAdmission() {
		LimitRanger plugin = new LimitRanger((namespace) -> List.of(new LimitRange()));
		Pod pod = pod(new ContainerBuilder().withName("c").build());
		plugin.admit(AdmissionRequests.create("/pods", pod));
		plugin.validate(AdmissionRequests.create("/pods", pod));
		assertThat(pod.getMetadata().getAnnotations()).isNullOrEmpty();
	}

	@Test
	void onlyTheNamespacesOwnLimitRangesApply() {
		LimitRanger plugin = new LimitRanger((namespace) -> namespace.equals("other")
				? List.of(limitRange(item("Container").withMax(q("cpu", "1")).build())) : List.of());
		plugin.validate(AdmissionRequests.create("/pods", pod(container("c", "2", "2"))));
	}

	private static Pod podWithInit(Container container, Container init) {
		Pod pod = pod(container);
		pod.getSpec().setInitContainers(List.of(init));
		return pod;
	}

	private static LimitRanger plugin(LimitRangeItem item) {
		LimitRange limitRange = limitRange(item);
		return new LimitRanger((namespace) -> namespace.equals("team") ? List.of(limitRange) : List.of());
	}

	private static LimitRange limitRange(LimitRangeItem item) {
		return new LimitRangeBuilder().withNewMetadata()
			.withName("limits")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withLimits(item)
			.endSpec()
			.build();
	}

	private static LimitRangeItemBuilder item(String type) {
		return new LimitRangeItemBuilder().withType(type);
	}

	private static Map<String, Quantity> q(String name, String value) {
		return Map.of(name, new Quantity(value));
	}

	static Pod pod(Container... containers) {
		return new PodBuilder().withNewMetadata()
			.withName("p")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withContainers(containers)
			.endSpec()
			.build();
	}

	private static Container container(String name, String cpuRequest, String cpuLimit) {
		ContainerBuilder builder = new ContainerBuilder().withName(name).withImage("busybox");
		builder.withNewResources()
			.withRequests(cpuRequest == null ? null : q("cpu", cpuRequest))
			.withLimits(cpuLimit == null ? null : q("cpu", cpuLimit))
			.endResources();
		return builder.build();
	}

	private static Container containerMem(String name, String memoryRequest, String memoryLimit) {
		return new ContainerBuilder().withName(name)
			.withNewResources()
			.withRequests(memoryRequest == null ? null : q("memory", memoryRequest))
			.withLimits(memoryLimit == null ? null : q("memory", memoryLimit))
			.endResources()
			.build();
	}

	private static PersistentVolumeClaim claim(String storage) {
		return new PersistentVolumeClaimBuilder().withNewMetadata()
			.withName("data")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withNewResources()
			.withRequests(storage == null ? null : q("storage", storage))
			.endResources()
			.endSpec()
			.build();
	}

}
