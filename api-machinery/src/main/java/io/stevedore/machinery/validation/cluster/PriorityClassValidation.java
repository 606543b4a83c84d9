package io.stevedore.machinery.validation.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;

/**
 * PriorityClasses: the {@code system-} prefix is reserved for the two built-in classes,
 * user values stay at or below one billion, and the value never changes.
 */
public final class PriorityClassValidation implements KindValidator<PriorityClass> {

	public static final int HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;

	/** The built-in classes and their values. */
	public static final Map<String, Integer> SYSTEM_CLASSES = Map.of("system-node-critical", 2_000_001_000,
			"system-cluster-critical", 2_000_000_000);

	@Override
	public List<FieldError> validate(PriorityClass pc) {
		List<FieldError> errs = new ArrayList<>();
		String name = pc.getMetadata() == null ? "" : CommonValidation.str(pc.getMetadata().getName());
		int value = pc.getValue() == null ? 0 : pc.getValue();
		if (name.startsWith("system-")) {
			String why = null;
			Integer known = SYSTEM_CLASSES.get(name);
			if (known == null) {
				why = name + " is not a known system priority class";
			}
			else if (known != value) {
				why = "value of " + name + " PriorityClass must be " + known;
			}
			else if (Boolean.TRUE.equals(pc.getGlobalDefault())) {
				why = "globalDefault of " + name + " PriorityClass must be false";
			}
			if (why != null) {
				errs.add(FieldError.forbidden("metadata.name",
						"priority class names with 'system-' prefix are reserved for system use only. error: " + why));
			}
		}
		else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
			errs.add(FieldError.forbidden("value",
					"maximum allowed value of a user defined priority is " + HIGHEST_USER_DEFINABLE_PRIORITY));
		}
		errs.addAll(CommonValidation.optionalOneOf(pc.getPreemptionPolicy(), FieldPath.root("preemptionPolicy"),
				List.of("Never", "PreemptLowerPriority")));
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(PriorityClass pc, PriorityClass old) {
		List<FieldError> errs = new ArrayList<>(validate(pc));
		if (!Objects.equals(pc.getValue(), old.getValue())) {
			errs.add(FieldError.forbidden("value", "may not be changed in an update."));
		}
		errs.addAll(CommonValidation.immutable(pc.getPreemptionPolicy(), old.getPreemptionPolicy(),
				FieldPath.root("preemptionPolicy")));
		return errs;
	}

}
