package io.stevedore.machinery.validation.apps;

import static io.stevedore.machinery.validation.CommonValidation.nonNegative;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;

/**
 * ReplicaSets, as ValidateReplicaSet (whose message says "deployment", as Kubernetes'
 * does).
 */
public final class ReplicaSetValidation implements KindValidator<ReplicaSet> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(ReplicaSet rs) {
		ReplicaSetSpec spec = rs.getSpec() == null ? new ReplicaSetSpec() : rs.getSpec();
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(nonNegative(spec.getReplicas(), SPEC.child("replicas")));
		errs.addAll(nonNegative(spec.getMinReadySeconds(), SPEC.child("minReadySeconds")));
		errs.addAll(WorkloadValidation.selectorAndTemplate(spec.getSelector(), spec.getTemplate(), SPEC, "deployment",
				"ReplicaSet"));
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(ReplicaSet rs, ReplicaSet old) {
		List<FieldError> errs = new ArrayList<>(validate(rs));
		errs.addAll(WorkloadValidation.selectorImmutable(rs.getSpec() == null ? null : rs.getSpec().getSelector(),
				old.getSpec() == null ? null : old.getSpec().getSelector(), SPEC));
		return errs;
	}

	@Override
	public List<FieldError> validateStatusUpdate(ReplicaSet rs, ReplicaSet old) {
		ReplicaSetStatus s = rs.getStatus();
		List<FieldError> errs = new ArrayList<>(WorkloadStatusValidation.replicaCounts(
				s == null ? null
						: new Integer[] { s.getReplicas(), s.getFullyLabeledReplicas(), s.getReadyReplicas(),
								s.getAvailableReplicas() },
				"replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas"));
		if (s != null && s.getReadyReplicas() != null && s.getReplicas() != null
				&& s.getReadyReplicas() > s.getReplicas()) {
			errs.add(FieldError.invalid("status.readyReplicas", s.getReadyReplicas(),
					"cannot be greater than status.replicas"));
		}
		if (s != null && s.getAvailableReplicas() != null && s.getReadyReplicas() != null
				&& s.getAvailableReplicas() > s.getReadyReplicas()) {
			errs.add(FieldError.invalid("status.availableReplicas", s.getAvailableReplicas(),
					"cannot be greater than readyReplicas"));
		}
		return errs;
	}

}
