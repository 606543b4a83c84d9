package io.stevedore.machinery.validation.cluster;

import static io.stevedore.machinery.validation.CommonValidation.isEmpty;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.quantity.Quantity;
import io.stevedore.machinery.validation.CommonValidation;
import io.stevedore.machinery.validation.FieldPath;
import io.stevedore.machinery.validation.KindValidator;
import io.stevedore.machinery.validation.NameValidation;

/**
 * HorizontalPodAutoscalers: 1 ≤ minReplicas ≤ maxReplicas, a named scale target, and
 * metric targets of a known type with positive values.
 */
public final class HorizontalPodAutoscalerValidation implements KindValidator<HorizontalPodAutoscaler> {

	private static final FieldPath SPEC = FieldPath.root("spec");

	private static final Set<String> TARGET_TYPES = Set.of("Utilization", "Value", "AverageValue");

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
		List<MetricSpec> metrics = spec.getMetrics() == null ? List.of() : spec.getMetrics();
		for (int i = 0; i < metrics.size(); i++) {
			errs.addAll(metricTargets(metrics.get(i), SPEC.child("metrics").index(i)));
		}
		return errs;
	}

	/**
	 * The target of whichever source a metric sets (Kubernetes' validateMetricTarget).
	 */
	private static List<FieldError> metricTargets(MetricSpec metric, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (metric.getResource() != null) {
			errs.addAll(target(metric.getResource().getTarget(), path.child("resource", "target")));
		}
		if (metric.getContainerResource() != null) {
			errs.addAll(target(metric.getContainerResource().getTarget(), path.child("containerResource", "target")));
		}
		if (metric.getPods() != null) {
			errs.addAll(target(metric.getPods().getTarget(), path.child("pods", "target")));
		}
		if (metric.getObject() != null) {
			errs.addAll(target(metric.getObject().getTarget(), path.child("object", "target")));
		}
		if (metric.getExternal() != null) {
			errs.addAll(target(metric.getExternal().getTarget(), path.child("external", "target")));
		}
		return errs;
	}

	private static List<FieldError> target(MetricTarget target, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		if (target == null) {
			return errs;
		}
		if (isEmpty(target.getType())) {
			errs.add(FieldError.required(path.child("type").toString(), "must specify a metric target type"));
		}
		else if (!TARGET_TYPES.contains(target.getType())) {
			errs.add(FieldError.invalid(path.child("type").toString(), target.getType(),
					"must be either Utilization, Value, or AverageValue"));
		}
		positive(target.getValue(), path.child("value"), errs);
		positive(target.getAverageValue(), path.child("averageValue"), errs);
		if (target.getAverageUtilization() != null && target.getAverageUtilization() < 1) {
			errs.add(FieldError.invalid(path.child("averageUtilization").toString(), target.getAverageUtilization(),
					"must be greater than 0"));
		}
		return errs;
	}

	private static void positive(io.fabric8.kubernetes.api.model.Quantity value, FieldPath path,
			List<FieldError> errs) {
		if (value == null || !Quantity.isValid(value.toString())) {
			return;
		}
		if (Quantity.of(value).signum() != 1) {
			errs.add(FieldError.invalid(path.toString(), value.toString(), "must be positive"));
		}
	}

	private static List<FieldError> pathSegment(String value, FieldPath path) {
		if (isEmpty(value)) {
			return List.of(FieldError.required(path.toString(), ""));
		}
		return CommonValidation.check(value, path, NameValidation::pathSegmentName);
	}

}
