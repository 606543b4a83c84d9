package io.stevedore.machinery.validation.apps;

import static io.stevedore.machinery.validation.CommonValidation.nonNegative;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidator;

/**
 * StatefulSets: names are DNS labels (they become pod hostnames), and on update only
 * replicas, ordinals, template, updateStrategy, the PVC retention policy and
 * minReadySeconds may change.
 */
public final class StatefulSetValidation implements KindValidator<StatefulSet> {

	static final String UPDATE_FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', "
			+ "'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
			+ "'minReadySeconds' are forbidden";

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public NameValidator names() {
		return NameValidator.DNS1123_LABEL;
	}

	@Override
	public List<FieldError> validate(StatefulSet sts) {
		StatefulSetSpec spec = sts.getSpec() == null ? new StatefulSetSpec() : sts.getSpec();
		List<FieldError> errs = new ArrayList<>();
		String policy = CommonValidation.str(spec.getPodManagementPolicy());
		switch (policy) {
			case "" -> errs.add(FieldError.required(SPEC.child("podManagementPolicy").toString(), ""));
			case "OrderedReady", "Parallel" -> {
			}
			default -> errs.add(FieldError.invalid(SPEC.child("podManagementPolicy").toString(), policy,
					"must be 'OrderedReady' or 'Parallel'"));
		}
		errs.addAll(updateStrategy(spec.getUpdateStrategy(), SPEC.child("updateStrategy")));
		if (spec.getOrdinals() != null) {
			errs.addAll(nonNegative(spec.getOrdinals().getStart(), SPEC.child("ordinals.start")));
		}
		errs.addAll(nonNegative(spec.getReplicas(), SPEC.child("replicas")));
		errs.addAll(nonNegative(spec.getMinReadySeconds(), SPEC.child("minReadySeconds")));
		errs.addAll(WorkloadValidation.selectorAndTemplate(spec.getSelector(), withClaimVolumes(spec), SPEC,
				"statefulset", "StatefulSet"));
		return errs;
	}

	/**
	 * The template as its pods get it: containers mount volumeClaimTemplates by name, and
	 * the controller adds a persistentVolumeClaim volume for each (Kubernetes skips the
	 * volume checks of a StatefulSet's template for this reason).
	 */
	private static io.fabric8.kubernetes.api.model.PodTemplateSpec withClaimVolumes(StatefulSetSpec spec) {
		if (spec.getTemplate() == null || spec.getTemplate().getSpec() == null || spec.getVolumeClaimTemplates() == null
				|| spec.getVolumeClaimTemplates().isEmpty()) {
			return spec.getTemplate();
		}
		var template = CommonValidation.deepCopy(spec.getTemplate(),
				io.fabric8.kubernetes.api.model.PodTemplateSpec.class);
		List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>(
				template.getSpec().getVolumes() == null ? List.of() : template.getSpec().getVolumes());
		for (var claim : spec.getVolumeClaimTemplates()) {
			String name = claim.getMetadata() == null ? null : claim.getMetadata().getName();
			if (name == null || volumes.stream().anyMatch(v -> name.equals(v.getName()))) {
				continue;
			}
			volumes.add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName(name)
				.withNewPersistentVolumeClaim(name, false)
				.build());
		}
		template.getSpec().setVolumes(volumes);
		return template;
	}

	@Override
	public List<FieldError> validateUpdate(StatefulSet sts, StatefulSet old) {
		List<FieldError> errs = new ArrayList<>(validate(sts));
		StatefulSetSpec copy = CommonValidation.deepCopy(sts.getSpec() == null ? new StatefulSetSpec() : sts.getSpec(),
				StatefulSetSpec.class);
		StatefulSetSpec oldSpec = old.getSpec() == null ? new StatefulSetSpec() : old.getSpec();
		copy.setReplicas(oldSpec.getReplicas());
		copy.setOrdinals(oldSpec.getOrdinals());
		copy.setTemplate(oldSpec.getTemplate());
		copy.setUpdateStrategy(oldSpec.getUpdateStrategy());
		copy.setPersistentVolumeClaimRetentionPolicy(oldSpec.getPersistentVolumeClaimRetentionPolicy());
		copy.setMinReadySeconds(oldSpec.getMinReadySeconds());
		if (!CommonValidation.semanticEquals(copy, oldSpec)) {
			errs.add(FieldError.forbidden(SPEC.toString(), UPDATE_FORBIDDEN));
		}
		return errs;
	}

	private static List<FieldError> updateStrategy(StatefulSetUpdateStrategy strategy, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		StatefulSetUpdateStrategy s = strategy == null ? new StatefulSetUpdateStrategy() : strategy;
		String type = CommonValidation.str(s.getType());
		switch (type) {
			case "" -> errs.add(FieldError.required(path.toString(), ""));
			case "OnDelete" -> {
				if (s.getRollingUpdate() != null) {
					errs.add(FieldError.invalid(path.child("rollingUpdate").toString(), type,
							"only allowed for updateStrategy 'RollingUpdate'"));
				}
			}
			case "RollingUpdate" -> {
				if (s.getRollingUpdate() != null) {
					errs.addAll(
							nonNegative(s.getRollingUpdate().getPartition(), path.child("rollingUpdate", "partition")));
				}
			}
			default -> errs.add(FieldError.invalid(path.toString(), type, "must be 'RollingUpdate' or 'OnDelete'"));
		}
		return errs;
	}

}
