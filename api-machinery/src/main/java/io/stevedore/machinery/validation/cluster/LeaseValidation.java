package io.stevedore.machinery.validation.cluster;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;

/**
 * Leases (node heartbeats, leader election): a positive duration, non-negative
 * transitions.
 */
public final class LeaseValidation implements KindValidator<Lease> {

	@Override
	public List<FieldError> validate(Lease lease) {
		List<FieldError> errs = new ArrayList<>();
		if (lease.getSpec() == null) {
			return errs;
		}
		FieldPath spec = FieldPath.root("spec");
		Integer duration = lease.getSpec().getLeaseDurationSeconds();
		if (duration != null && duration <= 0) {
			errs.add(FieldError.invalid(spec.child("leaseDurationSeconds").toString(), duration,
					"must be greater than 0"));
		}
		errs.addAll(
				CommonValidation.nonNegative(lease.getSpec().getLeaseTransitions(), spec.child("leaseTransitions")));
		return errs;
	}

}
