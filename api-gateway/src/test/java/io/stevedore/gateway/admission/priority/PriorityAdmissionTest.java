package io.stevedore.gateway.admission.priority;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionRequests;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Priority resolution as kube-apiserver's Priority plugin does it. */
class PriorityAdmissionTest {

	private final List<PriorityClass> classes = new ArrayList<>(
			List.of(priorityClass("high", 1000, false, null), priorityClass("never", 500, false, "Never")));

	private final PriorityAdmission plugin = new PriorityAdmission(() -> this.classes);

	@Test
	void aNamedClassResolvesToItsValueAndPreemptionPolicy() {
		Pod pod = pod("never").build();
		this.plugin.admit(AdmissionRequests.create("/pods", pod));
		assertThat(pod.getSpec().getPriority()).isEqualTo(500);
		assertThat(pod.getSpec().getPreemptionPolicy()).isEqualTo("Never");
	}

	@Test
	void withoutAClassAndWithoutAGlobalDefaultThePriorityIsZero() {
		Pod pod = pod(null).build();
		this.plugin.admit(AdmissionRequests.create("/pods", pod));
		assertThat(pod.getSpec().getPriority()).isZero();
		assertThat(pod.getSpec().getPreemptionPolicy()).isEqualTo("PreemptLowerPriority");
		assertThat(pod.getSpec().getPriorityClassName()).isNull();
	}

	@Test
	void withoutAClassTheLowestGlobalDefaultIsUsed() {
		this.classes.add(priorityClass("default-a", 300, true, null));
		this.classes.add(priorityClass("default-b", 200, true, null));
		Pod pod = pod(null).build();
		this.plugin.admit(AdmissionRequests.create("/pods", pod));
		assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("default-b");
		assertThat(pod.getSpec().getPriority()).isEqualTo(200);
	}

	@Test
	void theSystemClassesResolveWithoutObjects() {
		Pod pod = pod("system-node-critical").build();
		this.plugin.admit(AdmissionRequests.create("/pods", pod));
		assertThat(pod.getSpec().getPriority()).isEqualTo(2_000_001_000);
	}

	@Test
	void anUnknownClassIsRefusedWithKubernetesMessage() {
		assertThatThrownBy(() -> this.plugin.admit(AdmissionRequests.create("/pods", pod("ghost").build())))
			.isInstanceOfSatisfying(AdmissionDenied.class, (denied) -> {
				assertThat(denied.status().getCode()).isEqualTo(403);
				assertThat(denied.status().getMessage())
					.isEqualTo("pods \"p\" is forbidden: no PriorityClass with name ghost was found");
			});
	}

	@Test
	void aStatedPriorityOtherThanTheClasssIsRefused() {
		Pod pod = pod("high").editSpec().withPriority(7).endSpec().build();
		assertThatThrownBy(() -> this.plugin.admit(AdmissionRequests.create("/pods", pod)))
			.hasMessage("pods \"p\" is forbidden: the integer value of priority (7) must not be provided in pod spec; "
					+ "priority admission controller computed 1000 from the given PriorityClass name");
	}

	@Test
	void anUpdateKeepsThePriorityThePodWasCreatedWith() {
		Pod old = pod("high").editSpec()
			.withPriority(1000)
			.withPreemptionPolicy("PreemptLowerPriority")
			.endSpec()
			.build();
		Pod updated = pod("high").build();
		this.plugin.admit(AdmissionRequests.update("/pods", updated, old));
		assertThat(updated.getSpec().getPriority()).isEqualTo(1000);
		assertThat(updated.getSpec().getPreemptionPolicy()).isEqualTo("PreemptLowerPriority");
	}

	@Test
	void aSecondGlobalDefaultClassIsRefused() {
		this.classes.add(priorityClass("default-a", 300, true, null));
		PriorityClass second = priorityClass("default-b", 200, true, null);
		assertThatThrownBy(
				() -> this.plugin.validate(AdmissionRequests.create("scheduling.k8s.io/priorityclasses", second)))
			.hasMessage("priorityclasses.scheduling.k8s.io \"default-b\" is forbidden: PriorityClass default-a is "
					+ "already marked as default. Only one default can exist");
		this.plugin.validate(AdmissionRequests.update("scheduling.k8s.io/priorityclasses",
				priorityClass("default-a", 301, true, null), this.classes.get(2)));
	}

	private static PriorityClass priorityClass(String name, int value, boolean globalDefault, String policy) {
		return new PriorityClassBuilder().withNewMetadata()
			.withName(name)
			.endMetadata()
			.withValue(value)
			.withGlobalDefault(globalDefault)
			.withPreemptionPolicy(policy)
			.build();
	}

	private static PodBuilder pod(String className) {
		return new PodBuilder().withNewMetadata()
			.withName("p")
			.withNamespace("team")
			.endMetadata()
			.withNewSpec()
			.withPriorityClassName(className)
			.addNewContainer()
			.withName("c")
			.endContainer()
			.endSpec();
	}

}
