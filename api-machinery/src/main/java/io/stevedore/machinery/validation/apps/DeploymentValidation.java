package io.stevedore.machinery.validation.apps;

import static io.stevedore.machinery.validation.CommonValidation.nonNegative;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.GoValue;
import io.stevedore.machinery.validation.KindValidator;

/** Deployments, as apps/validation's ValidateDeployment and ValidateDeploymentUpdate. */
public final class DeploymentValidation implements KindValidator<Deployment> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(Deployment deployment) {
		DeploymentSpec spec = deployment.getSpec() == null ? new DeploymentSpec() : deployment.getSpec();
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(nonNegative(spec.getReplicas(), SPEC.child("replicas")));
		errs.addAll(WorkloadValidation.selectorAndTemplate(spec.getSelector(), spec.getTemplate(), SPEC, "deployment",
				"ReplicaSet"));
		errs.addAll(strategy(spec.getStrategy(), SPEC.child("strategy")));
		errs.addAll(nonNegative(spec.getMinReadySeconds(), SPEC.child("minReadySeconds")));
		errs.addAll(nonNegative(spec.getRevisionHistoryLimit(), SPEC.child("revisionHistoryLimit")));
		Integer deadline = spec.getProgressDeadlineSeconds();
		if (deadline != null) {
			errs.addAll(nonNegative(deadline, SPEC.child("progressDeadlineSeconds")));
			int minReady = spec.getMinReadySeconds() == null ? 0 : spec.getMinReadySeconds();
			if (deadline <= minReady) {
				errs.add(FieldError.invalid(SPEC.child("progressDeadlineSeconds").toString(), deadline,
						"must be greater than minReadySeconds"));
			}
		}
		return errs;
	}

	@Override
	public List<FieldError> validateUpdate(Deployment deployment, Deployment old) {
		List<FieldError> errs = new ArrayList<>(validate(deployment));
		errs.addAll(WorkloadValidation.selectorImmutable(
				deployment.getSpec() == null ? null : deployment.getSpec().getSelector(),
				old.getSpec() == null ? null : old.getSpec().getSelector(), SPEC));
		return errs;
	}

	@Override
	public List<FieldError> validateStatusUpdate(Deployment deployment, Deployment old) {
		return WorkloadStatusValidation.replicaCounts(deployment.getStatus() == null ? null
				: new Integer[] { deployment.getStatus().getReplicas(), deployment.getStatus().getUpdatedReplicas(),
						deployment.getStatus().getReadyReplicas(), deployment.getStatus().getAvailableReplicas(),
						deployment.getStatus().getUnavailableReplicas() },
				"replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas");
	}

	static List<FieldError> strategy(DeploymentStrategy strategy, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		DeploymentStrategy s = strategy == null ? new DeploymentStrategy() : strategy;
		String type = CommonValidation.str(s.getType());
		switch (type) {
			case "Recreate" -> {
				if (s.getRollingUpdate() != null) {
					errs.add(FieldError.forbidden(path.child("rollingUpdate").toString(),
							"may not be specified when strategy `type` is 'Recreate'"));
				}
			}
			case "RollingUpdate" -> {
				if (s.getRollingUpdate() == null) {
					errs.add(FieldError.required(path.child("rollingUpdate").toString(),
							"this should be defaulted and never be nil"));
				}
				else {
					errs.addAll(rollingUpdate(s.getRollingUpdate(), path.child("rollingUpdate")));
				}
			}
			default -> errs.add(FieldError.notSupported(path.toString(), type, List.of("Recreate", "RollingUpdate")));
		}
		return errs;
	}

	private static List<FieldError> rollingUpdate(RollingUpdateDeployment ru, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		errs.addAll(WorkloadValidation.positiveIntOrPercent(ru.getMaxUnavailable(), path.child("maxUnavailable")));
		errs.addAll(WorkloadValidation.positiveIntOrPercent(ru.getMaxSurge(), path.child("maxSurge")));
		if (WorkloadValidation.intOrPercentValue(ru.getMaxUnavailable()) == 0
				&& WorkloadValidation.intOrPercentValue(ru.getMaxSurge()) == 0) {
			// Nothing could ever be replaced: no pod may go down and no extra pod may
			// come up.
			errs.add(FieldError.invalid(path.child("maxUnavailable").toString(),
					GoValue.intOrString(ru.getMaxUnavailable()), "may not be 0 when `maxSurge` is 0"));
		}
		errs.addAll(WorkloadValidation.notMoreThan100Percent(ru.getMaxUnavailable(), path.child("maxUnavailable")));
		return errs;
	}

}
