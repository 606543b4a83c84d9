package io.stevedore.machinery.validation.cluster;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetSpec;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.LabelSelectorValidation;
import io.stevedore.machinery.validation.apps.WorkloadValidation;

/**
 * PodDisruptionBudgets: minAvailable or maxUnavailable (not both), each an int or a
 * percentage.
 */
public final class PodDisruptionBudgetValidation implements KindValidator<PodDisruptionBudget> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(PodDisruptionBudget pdb) {
		List<FieldError> errs = new ArrayList<>();
		PodDisruptionBudgetSpec spec = pdb.getSpec() == null ? new PodDisruptionBudgetSpec() : pdb.getSpec();
		if (spec.getMinAvailable() != null && spec.getMaxUnavailable() != null) {
			errs.add(
					FieldError.invalid(SPEC.toString(),
							new GoValue("policy.PodDisruptionBudgetSpec{MinAvailable:"
									+ GoValue.intOrString(spec.getMinAvailable()) + ", MaxUnavailable:"
									+ GoValue.intOrString(spec.getMaxUnavailable()) + "}"),
							"minAvailable and maxUnavailable cannot be both set"));
		}
		if (spec.getMinAvailable() != null) {
			errs.addAll(WorkloadValidation.positiveIntOrPercent(spec.getMinAvailable(), SPEC.child("minAvailable")));
			errs.addAll(WorkloadValidation.notMoreThan100Percent(spec.getMinAvailable(), SPEC.child("minAvailable")));
		}
		if (spec.getMaxUnavailable() != null) {
			errs.addAll(
					WorkloadValidation.positiveIntOrPercent(spec.getMaxUnavailable(), SPEC.child("maxUnavailable")));
			errs.addAll(
					WorkloadValidation.notMoreThan100Percent(spec.getMaxUnavailable(), SPEC.child("maxUnavailable")));
		}
		errs.addAll(LabelSelectorValidation.validate(spec.getSelector(), SPEC.child("selector")));
		errs.addAll(CommonValidation.optionalOneOf(spec.getUnhealthyPodEvictionPolicy(),
				SPEC.child("unhealthyPodEvictionPolicy"), List.of("AlwaysAllow", "IfHealthyBudget")));
		return errs;
	}

}
