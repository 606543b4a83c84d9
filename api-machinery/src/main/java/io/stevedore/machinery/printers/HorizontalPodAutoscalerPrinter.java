package io.stevedore.machinery.printers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;

/**
 * HorizontalPodAutoscalers: REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE. TARGETS shows
 * current/target per metric ({@code cpu: 40%/80%}), at most two, then "+ N more...".
 */
final class HorizontalPodAutoscalerPrinter {

	private HorizontalPodAutoscalerPrinter() {
	}

	static final KindPrinter<HorizontalPodAutoscaler> PRINTER = new KindPrinter<>(HorizontalPodAutoscaler.class, List
		.of(Column.NAME, Column.string("Reference", "scaleTargetRef points to the target resource to scale."),
				Column.string("Targets",
						"metrics contains the specifications for which to use to calculate the desired replica count."),
				Column.string("MinPods",
						"minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
				Column.string("MaxPods",
						"maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
				Column.string("Replicas",
						"currentReplicas is current number of replicas of pods managed by this autoscaler."),
				Column.AGE),
			HorizontalPodAutoscalerPrinter::row);

	private static Row row(HorizontalPodAutoscaler hpa, Instant now) {
		var spec = hpa.getSpec() != null ? hpa.getSpec()
				: new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec();
		var ref = spec.getScaleTargetRef();
		String reference = (ref != null ? Cells.nonNull(ref.getKind()) : "") + "/"
				+ (ref != null ? Cells.nonNull(ref.getName()) : "");
		List<MetricStatus> statuses = hpa.getStatus() != null && hpa.getStatus().getCurrentMetrics() != null
				? hpa.getStatus().getCurrentMetrics() : List.of();
		return Row.of(hpa.getMetadata().getName(), reference, metrics(spec.getMetrics(), statuses),
				spec.getMinReplicas() == null ? "<unset>" : String.valueOf(spec.getMinReplicas()),
				Cells.num(spec.getMaxReplicas()),
				hpa.getStatus() != null ? Cells.num(hpa.getStatus().getCurrentReplicas()) : 0L,
				Cells.age(hpa.getMetadata().getCreationTimestamp(), now));
	}

	static String metrics(List<MetricSpec> specs, List<MetricStatus> statuses) {
		if (specs == null || specs.isEmpty()) {
			return Cells.NONE;
		}
		List<String> list = new ArrayList<>();
		for (int i = 0; i < specs.size(); i++) {
			MetricSpec spec = specs.get(i);
			MetricStatus status = statuses.size() > i ? statuses.get(i) : null;
			list.add(switch (Cells.nonNull(spec.getType())) {
				case "External" -> valueOrAverage(spec.getExternal().getTarget(),
						status != null && status.getExternal() != null ? status.getExternal().getCurrent() : null);
				case "Pods" ->
					current(status != null && status.getPods() != null ? status.getPods().getCurrent().getAverageValue()
							: null) + "/" + spec.getPods().getTarget().getAverageValue();
				case "Object" -> valueOrAverage(spec.getObject().getTarget(),
						status != null && status.getObject() != null ? status.getObject().getCurrent() : null);
				case "Resource" -> resource(spec.getResource().getName(), spec.getResource().getTarget(),
						status != null && status.getResource() != null ? status.getResource().getCurrent() : null);
				case "ContainerResource" -> resource(spec.getContainerResource().getName(),
						spec.getContainerResource().getTarget(), status != null && status.getContainerResource() != null
								? status.getContainerResource().getCurrent() : null);
				default -> "<unknown type>";
			});
		}
		int max = 2;
		if (list.size() > max) {
			return String.join(", ", list.subList(0, max)) + " + " + (list.size() - max) + " more...";
		}
		return String.join(", ", list);
	}

	private static String valueOrAverage(MetricTarget target, MetricValueStatus current) {
		if (target.getAverageValue() != null) {
			return current(current != null ? current.getAverageValue() : null) + "/" + target.getAverageValue()
					+ " (avg)";
		}
		return current(current != null ? current.getValue() : null) + "/" + target.getValue();
	}

	private static String resource(String name, MetricTarget target, MetricValueStatus current) {
		if (target.getAverageValue() != null) {
			return name + ": " + current(current != null ? current.getAverageValue() : null) + "/"
					+ target.getAverageValue();
		}
		String now = current != null && current.getAverageUtilization() != null ? current.getAverageUtilization() + "%"
				: "<unknown>";
		String goal = target.getAverageUtilization() != null ? target.getAverageUtilization() + "%" : "<auto>";
		return name + ": " + now + "/" + goal;
	}

	private static String current(Quantity q) {
		return q == null ? "<unknown>" : q.toString();
	}

}
