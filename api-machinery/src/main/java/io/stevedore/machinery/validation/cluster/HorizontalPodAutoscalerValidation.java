package io.stevedore.machinery.validation.cluster;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/** HorizontalPodAutoscalers: 1 ≤ minReplicas ≤ maxReplicas and a named scale target. */
public final class HorizontalPodAutoscalerValidation implements KindValidator<HorizontalPodAutoscaler> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	@Override
	public List<FieldError> validate(HorizontalPodAutoscaler hpa) {
		List<FieldError> errs = new ArrayList<>();
		HorizontalPodAutoscalerSpec spec = hpa.getSpec() == null ? new HorizontalPodAutoscalerSpec() : hpa.getSpec();
		Integer min = spec.getMinReplicas();
		int max = spec.getMaxReplicas() == null ? 0 : spec.getMaxReplicas();
		if (min != null && min < 1) {
			errs.add(FieldError.invalid(SPEC.child("minReplicas").toString(), min,
					"must be greater than or equal to 1"));
		}
		if (max < 1) {
			errs.add(FieldError.invalid(SPEC.child("maxReplicas").toString(), max, "must be greater than 0"));
		}
		if (min != null && max < min) {
			errs.add(FieldError.invalid(SPEC.child("maxReplicas").toString(), max,
					"must be greater than or equal to `minReplicas`"));
		}
		CrossVersionObjectReference ref = spec.getScaleTargetRef() == null ? new CrossVersionObjectReference()
				: spec.getScaleTargetRef();
		FieldPath refPath = SPEC.child("scaleTargetRef");
		errs.addAll(pathSegment(ref.getKind(), refPath.child("kind")));
		errs.addAll(pathSegment(ref.getName(), refPath.child("name")));
		return errs;
	}

	private static List<FieldError> pathSegment(String value, FieldPath path) {
		if (isEmpty(value)) {
			return List.of(FieldError.required(path.toString(), ""));
		}
		return CommonValidation.check(value, path, NameValidation::pathSegmentName);
	}

}
