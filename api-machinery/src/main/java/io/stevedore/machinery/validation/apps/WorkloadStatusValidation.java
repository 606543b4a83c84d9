package io.stevedore.machinery.validation.apps;

import java.util.ArrayList;
import java.util.List;

import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;

/** Status counters of workloads, which are never negative. */
final class WorkloadStatusValidation {

	private WorkloadStatusValidation() {
	}

	/** {@code values[i]} is the counter named {@code names[i]} under {@code status}. */
	static List<FieldError> replicaCounts(Integer[] values, String... names) {
		List<FieldError> errs = new ArrayList<>();
		if (values == null) {
			return errs;
		}
		FieldPath status = FieldPath.root("status");
		for (int i = 0; i < values.length; i++) {
			errs.addAll(CommonValidation.nonNegative(values[i], status.child(names[i])));
		}
		return errs;
	}

}
