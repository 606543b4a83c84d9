package io.stevedore.machinery.validation.apps;

import static io.stevedore.machinery.validation.CommonValidation.nonNegative;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;

/**
 * DaemonSets, as ValidateDaemonSet: one of maxSurge and maxUnavailable must be non-zero,
 * not both.
 */
public final class DaemonSetValidation implements KindValidator<DaemonSet> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(DaemonSet ds) {
		DaemonSetSpec spec = ds.getSpec() == null ? new DaemonSetSpec() : ds.getSpec();
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(WorkloadValidation.selectorAndTemplate(spec.getSelector(), spec.getTemplate(), SPEC, "daemonset",
				"DaemonSet"));
		errs.addAll(nonNegative(spec.getMinReadySeconds(), SPEC.child("minReadySeconds")));
		errs.addAll(updateStrategy(spec.getUpdateStrategy(), SPEC.child("updateStrategy")));
		errs.addAll(nonNegative(spec.getRevisionHistoryLimit(), SPEC.child("revisionHistoryLimit")));
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(DaemonSet ds, DaemonSet old) {
		List<FieldError> errs = new ArrayList<>(validate(ds));
		errs.addAll(WorkloadValidation.selectorImmutable(ds.getSpec() == null ? null : ds.getSpec().getSelector(),
				old.getSpec() == null ? null : old.getSpec().getSelector(), SPEC));
		return errs;
	}

	private static List<FieldError> updateStrategy(DaemonSetUpdateStrategy strategy, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		DaemonSetUpdateStrategy s = strategy == null ? new DaemonSetUpdateStrategy() : strategy;
		String type = CommonValidation.str(s.getType());
		switch (type) {
			case "OnDelete" -> {
			}
			case "RollingUpdate" -> {
				if (s.getRollingUpdate() == null) {
					errs.add(FieldError.required(path.child("rollingUpdate").toString(), ""));
				}
				else {
					errs.addAll(rollingUpdate(s.getRollingUpdate(), path.child("rollingUpdate")));
				}
			}
			default -> errs.add(FieldError.notSupported(path.toString(), type, List.of("RollingUpdate", "OnDelete")));
		}
		return errs;
	}

	private static List<FieldError> rollingUpdate(RollingUpdateDaemonSet ru, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		boolean hasUnavailable = WorkloadValidation.intOrPercentValue(ru.getMaxUnavailable()) != 0;
		boolean hasSurge = WorkloadValidation.intOrPercentValue(ru.getMaxSurge()) != 0;
		if (ru.getMaxUnavailable() != null) {
			errs.addAll(WorkloadValidation.positiveIntOrPercent(ru.getMaxUnavailable(), path.child("maxUnavailable")));
			errs.addAll(WorkloadValidation.notMoreThan100Percent(ru.getMaxUnavailable(), path.child("maxUnavailable")));
		}
		if (ru.getMaxSurge() != null) {
			errs.addAll(WorkloadValidation.positiveIntOrPercent(ru.getMaxSurge(), path.child("maxSurge")));
			errs.addAll(WorkloadValidation.notMoreThan100Percent(ru.getMaxSurge(), path.child("maxSurge")));
		}
		if (hasUnavailable && hasSurge) {
			errs.add(FieldError.invalid(path.child("maxSurge").toString(), GoValue.intOrString(ru.getMaxSurge()),
					"may not be set when maxUnavailable is non-zero"));
		}
		else if (!hasUnavailable && !hasSurge) {
			errs.add(FieldError.invalid(path.child("maxUnavailable").toString(),
					GoValue.intOrString(ru.getMaxUnavailable()), "cannot be 0 when maxSurge is 0"));
		}
		return errs;
	}

}
