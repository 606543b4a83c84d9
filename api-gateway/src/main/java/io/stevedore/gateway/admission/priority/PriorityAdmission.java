package io.stevedore.gateway.admission.priority;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;
import io.stevedore.machinery.validation.cluster.PriorityClassValidation;

/**
 * Kubernetes' Priority admission. A new pod's {@code spec.priorityClassName} resolves to
 * {@code spec.priority} and {@code spec.preemptionPolicy} (no name: the globalDefault
 * class, else priority 0); an unknown name is refused ("no PriorityClass with name x was
 * found"), and so is a priority the pod states that differs from its class's. An update
 * keeps the priority the pod was created with. A second globalDefault PriorityClass is
 * refused.
 *
 * <p>
 * The two system classes resolve even before an object exists for them, with the values
 * kube-apiserver creates them with.
 */
public final class PriorityAdmission implements AdmissionPlugin {

	public static final String NAME = "Priority";

	private static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";

	private final Supplier<List<PriorityClass>> classes;

	/**
	 * @param classes every PriorityClass
	 */
	public PriorityAdmission(Supplier<List<PriorityClass>> classes) {
		this.classes = classes;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		return Set.of("/pods", "scheduling.k8s.io/priorityclasses");
	}

	@Override
	public void admit(AdmissionAttributes attributes) {
		if (!attributes.isMainResource("", "pods") || !(attributes.object() instanceof Pod pod)) {
			return;
		}
		if (AdmissionAttributes.UPDATE.equals(attributes.operation()) && attributes.oldObject() instanceof Pod oldPod) {
			// Set here on create; validation refuses changing it, so keep what was set.
			if (pod.getSpec().getPriority() == null) {
				pod.getSpec().setPriority(oldPod.getSpec().getPriority());
			}
			if (pod.getSpec().getPreemptionPolicy() == null) {
				pod.getSpec().setPreemptionPolicy(oldPod.getSpec().getPreemptionPolicy());
			}
			return;
		}
		if (!AdmissionAttributes.CREATE.equals(attributes.operation())) {
			return;
		}
		String className = pod.getSpec().getPriorityClassName();
		int priority;
		String preemptionPolicy;
		if (className == null || className.isEmpty()) {
			Optional<PriorityClass> global = globalDefault();
			priority = global.map(PriorityClass::getValue).orElse(0);
			preemptionPolicy = global.map(PriorityAdmission::preemptionPolicy).orElse(PREEMPT_LOWER_PRIORITY);
			pod.getSpec().setPriorityClassName(global.map((pc) -> pc.getMetadata().getName()).orElse(null));
		}
		else {
			PriorityClass found = find(className).orElseThrow(() -> AdmissionDenied.forbidden(attributes,
					"no PriorityClass with name " + className + " was found"));
			priority = found.getValue() == null ? 0 : found.getValue();
			preemptionPolicy = preemptionPolicy(found);
		}
		Integer stated = pod.getSpec().getPriority();
		if (stated != null && stated != priority) {
			throw AdmissionDenied.forbidden(attributes,
					"the integer value of priority (" + stated
							+ ") must not be provided in pod spec; priority admission controller computed " + priority
							+ " from the given PriorityClass name");
		}
		pod.getSpec().setPriority(priority);
		if (preemptionPolicy != null) {
			String statedPolicy = pod.getSpec().getPreemptionPolicy();
			if (statedPolicy != null && !statedPolicy.equals(preemptionPolicy)) {
				throw AdmissionDenied.forbidden(attributes,
						"the string value of PreemptionPolicy (" + statedPolicy
								+ ") must not be provided in pod spec; priority admission controller computed "
								+ preemptionPolicy + " from the given PriorityClass name");
			}
			pod.getSpec().setPreemptionPolicy(preemptionPolicy);
		}
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		if (!attributes.isMainResource("scheduling.k8s.io", "priorityclasses")
				|| !(attributes.object() instanceof PriorityClass priorityClass)
				|| !Boolean.TRUE.equals(priorityClass.getGlobalDefault())) {
			return;
		}
		Optional<PriorityClass> existing = globalDefault();
		if (existing.isEmpty()) {
			return;
		}
		String existingName = existing.get().getMetadata().getName();
		if (AdmissionAttributes.CREATE.equals(attributes.operation())
				|| (AdmissionAttributes.UPDATE.equals(attributes.operation())
						&& !existingName.equals(priorityClass.getMetadata().getName()))) {
			throw AdmissionDenied.forbidden(attributes,
					"PriorityClass " + existingName + " is already marked as default. Only one default can exist");
		}
	}

	/** The globalDefault class; of several (a race), the lowest value, as Kubernetes. */
	private Optional<PriorityClass> globalDefault() {
		PriorityClass lowest = null;
		for (PriorityClass pc : this.classes.get()) {
			if (Boolean.TRUE.equals(pc.getGlobalDefault()) && (lowest == null || value(pc) < value(lowest))) {
				lowest = pc;
			}
		}
		return Optional.ofNullable(lowest);
	}

	private Optional<PriorityClass> find(String name) {
		for (PriorityClass pc : this.classes.get()) {
			if (name.equals(pc.getMetadata().getName())) {
				return Optional.of(pc);
			}
		}
		Integer system = PriorityClassValidation.SYSTEM_CLASSES.get(name);
		return system == null ? Optional.empty()
				: Optional.of(new PriorityClassBuilder().withNewMetadata()
					.withName(name)
					.endMetadata()
					.withValue(system)
					.withPreemptionPolicy(PREEMPT_LOWER_PRIORITY)
					.build());
	}

	private static String preemptionPolicy(PriorityClass pc) {
		return pc.getPreemptionPolicy();
	}

	private static int value(PriorityClass pc) {
		return pc.getValue() == null ? 0 : pc.getValue();
	}

}
