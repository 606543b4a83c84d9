package io.stevedore.gateway.admission.defaulttoleration;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The tolerations kube-apiserver's DefaultTolerationSeconds adds, case by case: the pod's
 * own tolerations, then what the plugin leaves on it (not-ready 300 s, unreachable 200 s
 * here, so the two are told apart).
 */
class DefaultTolerationSecondsTest {

	private static final Toleration NOT_READY_DEFAULT = toleration(DefaultTolerationSeconds.NOT_READY, "Exists", null,
			"NoExecute", 300L);

	private static final Toleration UNREACHABLE_DEFAULT = toleration(DefaultTolerationSeconds.UNREACHABLE, "Exists",
			null, "NoExecute", 200L);

	private final DefaultTolerationSeconds plugin = new DefaultTolerationSeconds(300, 200);

	static Stream<Arguments> cases() {
		Toleration gpu = toleration("gpu", "Exists", null, "NoSchedule", null);
		Toleration notReadyForever = toleration(DefaultTolerationSeconds.NOT_READY, "Exists", null, "NoExecute", null);
		Toleration unreachableTen = toleration(DefaultTolerationSeconds.UNREACHABLE, "Exists", null, "NoExecute", 10L);
		Toleration everything = toleration(null, "Exists", null, null, null);
		Toleration everyNoExecute = toleration("", "Exists", null, "NoExecute", 60L);
		Toleration unreachableAnyEffect = toleration(DefaultTolerationSeconds.UNREACHABLE, "Exists", null, "", null);
		Toleration notReadyNoSchedule = toleration(DefaultTolerationSeconds.NOT_READY, "Exists", null, "NoSchedule",
				null);
		Toleration unreachableEqual = toleration(DefaultTolerationSeconds.UNREACHABLE, "Equal", "x", "NoExecute", 0L);
		Toleration everythingNoSchedule = toleration(null, "Exists", null, "NoSchedule", null);
		return Stream.of(
				arguments("a pod without tolerations gets both defaults", List.of(),
						List.of(NOT_READY_DEFAULT, UNREACHABLE_DEFAULT)),
				arguments("a pod's other tolerations stay first and the defaults are appended", List.of(gpu),
						List.of(gpu, NOT_READY_DEFAULT, UNREACHABLE_DEFAULT)),
				arguments("a pod tolerating not-ready forever keeps that and gets only the unreachable default",
						List.of(notReadyForever), List.of(notReadyForever, UNREACHABLE_DEFAULT)),
				arguments("a pod's own unreachable seconds are kept and only not-ready is added",
						List.of(unreachableTen), List.of(unreachableTen, NOT_READY_DEFAULT)),
				arguments("a pod tolerating both keeps exactly its own tolerations",
						List.of(unreachableTen, notReadyForever), List.of(unreachableTen, notReadyForever)),
				arguments("an empty key with Exists tolerates every taint, so nothing is added", List.of(everything),
						List.of(everything)),
				arguments("an empty key with effect NoExecute tolerates both taints", List.of(everyNoExecute),
						List.of(everyNoExecute)),
				arguments("an empty effect counts as NoExecute", List.of(unreachableAnyEffect),
						List.of(unreachableAnyEffect, NOT_READY_DEFAULT)),
				arguments("a toleration of the taint key with another effect does not count",
						List.of(notReadyNoSchedule),
						List.of(notReadyNoSchedule, NOT_READY_DEFAULT, UNREACHABLE_DEFAULT)),
				arguments("an empty key with another effect does not count", List.of(everythingNoSchedule),
						List.of(everythingNoSchedule, NOT_READY_DEFAULT, UNREACHABLE_DEFAULT)),
				arguments("operator, value and zero seconds are not looked at, as in Kubernetes",
						List.of(unreachableEqual), List.of(unreachableEqual, NOT_READY_DEFAULT)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void onCreate(String description, List<Toleration> own, List<Toleration> expected) {
		Pod pod = pod(own);

		this.plugin.admit(AdmissionRequests.create("/pods", pod));

		assertThat(pod.getSpec().getTolerations()).containsExactlyElementsOf(expected);
	}

	@Test
	void anUpdateThatLeftOutTheDefaultsGetsThemBackUnchanged() {
		Pod created = pod(List.of());
		this.plugin.admit(AdmissionRequests.create("/pods", created));
		Pod replaced = pod(List.of());

		this.plugin.admit(AdmissionRequests.update("/pods", replaced, created));

		assertThat(replaced.getSpec().getTolerations()).isEqualTo(created.getSpec().getTolerations());
	}

	@Test
	void everyPodGetsItsOwnTolerationObjects() {
		Pod first = pod(List.of());
		Pod second = pod(List.of());
		this.plugin.admit(AdmissionRequests.create("/pods", first));
		this.plugin.admit(AdmissionRequests.create("/pods", second));

		first.getSpec().getTolerations().get(0).setTolerationSeconds(1L);

		assertThat(second.getSpec().getTolerations().get(0).getTolerationSeconds()).isEqualTo(300L);
	}

	@Test
	void subresourcesDeletesAndOtherKindsAreLeftAlone() {
		Pod binding = pod(List.of());
		this.plugin.admit(AdmissionRequests.of(AdmissionAttributes.CREATE, "/pods", "binding", binding, null));
		Pod status = pod(List.of());
		this.plugin.admit(AdmissionRequests.of(AdmissionAttributes.UPDATE, "/pods", "status", status, pod(List.of())));
		this.plugin.admit(AdmissionRequests.of(AdmissionAttributes.DELETE, "/pods", "", null, pod(List.of())));
		this.plugin.admit(AdmissionRequests.create("/configmaps",
				new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace("team").endMetadata().build()));

		assertThat(binding.getSpec().getTolerations()).isEmpty();
		assertThat(status.getSpec().getTolerations()).isEmpty();
		assertThat(this.plugin.resources()).containsExactly("/pods");
		assertThat(this.plugin.name()).isEqualTo("DefaultTolerationSeconds");
	}

	private static Pod pod(List<Toleration> tolerations) {
		return new PodBuilder().withNewMetadata()
			.withName("p")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withTolerations(
					new ArrayList<>(tolerations.stream().map((t) -> new TolerationBuilder(t).build()).toList()))
			.addNewContainer()
			.withName("c")
			.withImage("busybox")
			.endContainer()
			.endSpec()
			.build();
	}

	private static Toleration toleration(String key, String operator, String value, String effect, Long seconds) {
		return new TolerationBuilder().withKey(key)
			.withOperator(operator)
			.withValue(value)
			.withEffect(effect)
			.withTolerationSeconds(seconds)
			.build();
	}

}
