package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HPA controller's sync (pkg/controller/podautoscaler {@code reconcileAutoscaler}):
 * reads the target's scale, computes a proposal per metric and takes the largest,
 * normalizes it (stabilization, rate limits, min/max), writes the scale if it changed and
 * then the status with Kubernetes' conditions and events. Looks again every sync period.
 */
final class HpaSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(HpaSync.class);

	private final Function<String, HorizontalPodAutoscaler> hpas;

	private final HpaControl control;

	private final MetricsSource metrics;

	private final ReplicaCalculator calculator;

	private final ScaleNormalizer normalizer;

	private final EventRecorder events;

	private final HpaSettings settings;

	private final Clock clock;

	HpaSync(Function<String, HorizontalPodAutoscaler> hpas, HpaControl control, MetricsSource metrics,
			HpaSettings settings, EventRecorder events, Clock clock) {
		this.hpas = hpas;
		this.control = control;
		this.metrics = metrics;
		this.settings = settings;
		this.calculator = new ReplicaCalculator(settings.tolerance(), settings.cpuInitializationPeriod(),
				settings.initialReadinessDelay());
		this.normalizer = new ScaleNormalizer(settings.downscaleStabilization());
		this.events = events;
		this.clock = clock;
	}

	/** Thrown by a metric whose proposal cannot be computed; carries the condition. */
	private static final class MetricFailure extends RuntimeException {

		private final String reason;

		MetricFailure(String reason, String message) {
			super(message);
			this.reason = reason;
		}

	}

	@Override
	public Result reconcile(String key) {
		HorizontalPodAutoscaler cached = this.hpas.apply(key);
		if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
			this.normalizer.forget(key);
			return Result.done();
		}
		HorizontalPodAutoscaler hpa = Serialization.clone(cached);
		HorizontalPodAutoscalerStatus before = cached.getStatus() == null ? new HorizontalPodAutoscalerStatus()
				: cached.getStatus();
		if (hpa.getStatus() == null) {
			hpa.setStatus(new HorizontalPodAutoscalerStatus());
		}
		try {
			autoscale(key, hpa);
		}
		catch (RuntimeException ex) {
			// Kubernetes' HPA queue retries a failed HPA at the sync period, not with the
			// usual fast backoff: conditions and events already say what failed, and a
			// missing metric is not fixed by asking again within milliseconds.
			log.warn("horizontal pod autoscaler sync failed hpa={}: {}", key, ex.getMessage());
		}
		writeStatusIfChanged(hpa, before);
		return Result.requeueAfter(this.settings.syncPeriod());
	}

	private void autoscale(String key, HorizontalPodAutoscaler hpa) {
		String namespace = hpa.getMetadata().getNamespace();
		var ref = hpa.getSpec().getScaleTargetRef();
		String reference = ref.getKind() + "/" + namespace + "/" + ref.getName();
		Instant now = this.clock.instant();
		HorizontalPodAutoscalerStatus status = hpa.getStatus();
		status.setObservedGeneration(hpa.getMetadata().getGeneration());
		HpaControl.Scale scale;
		try {
			scale = this.control.getScale(namespace, ref);
		}
		catch (RuntimeException ex) {
			condition(hpa, "AbleToScale", "False", "FailedGetScale",
					"the HPA controller was unable to get the target's current scale: " + ex.getMessage(), now);
			this.events.event(hpa, EventRecorder.WARNING, "FailedGetScale", ex.getMessage());
			throw ex;
		}
		condition(hpa, "AbleToScale", "True", "SucceededGetScale",
				"the HPA controller was able to get the target's current scale", now);
		int current = scale.specReplicas();
		int minReplicas = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
		int maxReplicas = hpa.getSpec().getMaxReplicas();
		int desired = 0;
		String rescaleReason = "";
		List<MetricStatus> metricStatuses = status.getCurrentMetrics();
		boolean rescale = true;
		if (current == 0 && minReplicas != 0) {
			// A target scaled to zero by hand is not autoscaled until scaled up again.
			rescale = false;
			condition(hpa, "ScalingActive", "False", "ScalingDisabled",
					"scaling is disabled since the replica count of the target is zero", now);
		}
		else if (current > maxReplicas) {
			rescaleReason = "Current number of replicas above Spec.MaxReplicas";
			desired = maxReplicas;
		}
		else if (current < minReplicas) {
			rescaleReason = "Current number of replicas below Spec.MinReplicas";
			desired = minReplicas;
		}
		else {
			Computed computed = computeForMetrics(hpa, scale, now);
			metricStatuses = computed.statuses;
			if (computed.replicas == -1) {
				setStatus(hpa, current, status.getDesiredReplicas() == null ? 0 : status.getDesiredReplicas(),
						metricStatuses, false, now);
				this.events.event(hpa, EventRecorder.WARNING, "FailedComputeMetricsReplicas", computed.error);
				throw new IllegalStateException(
						"failed to compute desired number of replicas based on listed metrics for " + reference + ": "
								+ computed.error);
			}
			desired = computed.replicas;
			if (desired > current) {
				rescaleReason = computed.metric + " above target";
			}
			if (desired < current) {
				rescaleReason = "All metrics below target";
			}
			ScaleNormalizer.Normalized normalized = this.normalizer.normalize(new ScaleNormalizer.Args(key,
					hpa.getSpec().getBehavior(), minReplicas, maxReplicas, current, desired), now);
			condition(hpa, "AbleToScale", "True", normalized.ableReason(), normalized.ableMessage(), now);
			condition(hpa, "ScalingLimited", normalized.limited() ? "True" : "False", normalized.limitReason(),
					normalized.limitMessage(), now);
			desired = normalized.replicas();
			rescale = desired != current;
		}
		if (rescale) {
			try {
				this.control.updateScale(namespace, ref, desired);
			}
			catch (RuntimeException ex) {
				this.events.event(hpa, EventRecorder.WARNING, "FailedRescale",
						"New size: " + desired + "; reason: " + rescaleReason + "; error: " + ex.getMessage());
				condition(hpa, "AbleToScale", "False", "FailedUpdateScale",
						"the HPA controller was unable to update the target scale: " + ex.getMessage(), now);
				setStatus(hpa, current, status.getDesiredReplicas() == null ? 0 : status.getDesiredReplicas(),
						metricStatuses, false, now);
				throw ex;
			}
			condition(hpa, "AbleToScale", "True", "SucceededRescale",
					"the HPA controller was able to update the target scale to " + desired, now);
			this.events.event(hpa, EventRecorder.NORMAL, "SuccessfulRescale",
					"New size: " + desired + "; reason: " + rescaleReason);
			this.normalizer.recordScale(key, hpa.getSpec().getBehavior(), current, desired, now);
		}
		else {
			desired = current;
		}
		setStatus(hpa, current, desired, metricStatuses, rescale, now);
	}

	private record Computed(int replicas, String metric, List<MetricStatus> statuses, String error) {
	}

	/**
	 * computeReplicasForMetrics: the largest proposal; -1 if all (or, when scaling down,
	 * any) failed.
	 */
	private Computed computeForMetrics(HorizontalPodAutoscaler hpa, HpaControl.Scale scale, Instant now) {
		List<MetricSpec> specs = hpa.getSpec().getMetrics() == null ? List.of() : hpa.getSpec().getMetrics();
		String selector = scale.selector();
		if (selector == null || selector.isEmpty()) {
			String message = "selector is required";
			this.events.event(hpa, EventRecorder.WARNING, "SelectorRequired", message);
			condition(hpa, "ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector",
					now);
			return new Computed(-1, "", List.of(), message);
		}
		List<MetricStatus> statuses = new ArrayList<>();
		int replicas = 0;
		String metric = "";
		int invalid = 0;
		MetricFailure first = null;
		List<Pod> pods = null;
		for (MetricSpec spec : specs) {
			try {
				if (!"Resource".equals(spec.getType()) || spec.getResource() == null) {
					throw unsupported(spec);
				}
				if (pods == null) {
					pods = this.control.pods(hpa.getMetadata().getNamespace(), selector);
				}
				Proposal proposal = resourceProposal(hpa, spec, scale.specReplicas(), selector, pods, now);
				statuses.add(proposal.status);
				if (replicas == 0 || proposal.replicas > replicas) {
					replicas = proposal.replicas;
					metric = proposal.metric;
				}
			}
			catch (MetricFailure ex) {
				this.events.event(hpa, EventRecorder.WARNING, ex.reason, ex.getMessage());
				if (first == null) {
					first = ex;
				}
				invalid++;
			}
		}
		if (invalid >= specs.size() || (invalid > 0 && replicas < scale.specReplicas())) {
			String error = first == null ? "no metrics specified" : "invalid metrics (" + invalid + " invalid out of "
					+ specs.size() + "), first error is: " + first.getMessage();
			if (first != null) {
				condition(hpa, "ScalingActive", "False", first.reason,
						"the HPA was unable to compute the replica count: " + first.getMessage(), now);
			}
			return new Computed(-1, "", statuses, error);
		}
		condition(hpa, "ScalingActive", "True", "ValidMetricFound",
				"the HPA was able to successfully calculate a replica count from " + metric, now);
		return new Computed(replicas, metric, statuses, null);
	}

	/**
	 * Pods, Object, External and ContainerResource metrics need APIs Stevedore does not
	 * serve.
	 */
	private static MetricFailure unsupported(MetricSpec spec) {
		return switch (String.valueOf(spec.getType())) {
			case "Pods" -> new MetricFailure("FailedGetPodsMetric",
					"unable to get metric: no custom metrics API (custom.metrics.k8s.io) is served");
			case "Object" -> new MetricFailure("FailedGetObjectMetric",
					"unable to get metric: no custom metrics API (custom.metrics.k8s.io) is served");
			case "External" -> new MetricFailure("FailedGetExternalMetric",
					"unable to get external metric: no external metrics API (external.metrics.k8s.io) is served");
			case "ContainerResource" -> new MetricFailure("FailedGetContainerResourceMetric",
					"container resource metrics are not supported yet");
			default ->
				new MetricFailure("InvalidMetricSourceType", "unknown metric source type \"" + spec.getType() + "\"");
		};
	}

	private record Proposal(int replicas, String metric, MetricStatus status) {
	}

	private Proposal resourceProposal(HorizontalPodAutoscaler hpa, MetricSpec spec, int current, String selector,
			List<Pod> pods, Instant now) {
		String resource = spec.getResource().getName();
		MetricTarget target = spec.getResource().getTarget();
		if (pods.isEmpty()) {
			throw new MetricFailure("FailedGetResourceMetric",
					"no pods returned by selector while calculating replica count");
		}
		Map<String, PodMetric> podMetrics;
		try {
			podMetrics = this.metrics.podMetrics(hpa.getMetadata().getNamespace(), selector, resource);
		}
		catch (MetricsSource.MetricsUnavailableException ex) {
			throw new MetricFailure("FailedGetResourceMetric", ex.getMessage());
		}
		try {
			if (target != null && target.getAverageValue() != null) {
				long targetMilli = ReplicaCalculator.milli(target.getAverageValue());
				ReplicaCalculator.Proposal proposal = this.calculator.averageValueReplicas(current, targetMilli,
						resource, pods, podMetrics, now);
				MetricValueStatus value = new MetricValueStatus(null, milliQuantity(proposal.rawAverage()), null);
				return new Proposal(proposal.replicas(), resource + " resource", resourceStatus(resource, value));
			}
			if (target == null || target.getAverageUtilization() == null) {
				throw new MetricFailure("FailedGetResourceMetric",
						"invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
			}
			ReplicaCalculator.Proposal proposal = this.calculator.utilizationReplicas(current,
					target.getAverageUtilization(), resource, pods, podMetrics, now);
			MetricValueStatus value = new MetricValueStatus(proposal.utilization(),
					milliQuantity(proposal.rawAverage()), null);
			return new Proposal(proposal.replicas(), resource + " resource utilization (percentage of request)",
					resourceStatus(resource, value));
		}
		catch (IllegalStateException ex) {
			throw new MetricFailure("FailedGetResourceMetric",
					"failed to get " + resource + " utilization: " + ex.getMessage());
		}
	}

	private static MetricStatus resourceStatus(String resource, MetricValueStatus value) {
		MetricStatus status = new MetricStatus();
		status.setType("Resource");
		status.setResource(new ResourceMetricStatus(value, resource));
		return status;
	}

	/**
	 * resource.NewMilliQuantity(v, DecimalSI) in its canonical form: 250m, 1, 64Mi-free.
	 */
	static Quantity milliQuantity(long milli) {
		if (milli % 1000 == 0) {
			return new Quantity(Long.toString(milli / 1000));
		}
		return new Quantity(milli + "m");
	}

	private void setStatus(HorizontalPodAutoscaler hpa, int current, int desired, List<MetricStatus> metricStatuses,
			boolean rescaled, Instant now) {
		HorizontalPodAutoscalerStatus status = hpa.getStatus();
		status.setCurrentReplicas(current);
		status.setDesiredReplicas(desired);
		status.setCurrentMetrics(metricStatuses == null || metricStatuses.isEmpty() ? null : metricStatuses);
		if (rescaled) {
			status.setLastScaleTime(timestamp(now));
		}
	}

	/** setCondition: the transition time moves only when the status does. */
	private static void condition(HorizontalPodAutoscaler hpa, String type, String value, String reason, String message,
			Instant now) {
		List<HorizontalPodAutoscalerCondition> conditions = hpa.getStatus().getConditions() == null ? new ArrayList<>()
				: new ArrayList<>(hpa.getStatus().getConditions());
		HorizontalPodAutoscalerCondition existing = conditions.stream()
			.filter((c) -> type.equals(c.getType()))
			.findFirst()
			.orElse(null);
		if (existing == null) {
			existing = new HorizontalPodAutoscalerCondition();
			existing.setType(type);
			conditions.add(existing);
		}
		if (!value.equals(existing.getStatus())) {
			existing.setLastTransitionTime(timestamp(now));
		}
		existing.setStatus(value);
		existing.setReason(reason);
		existing.setMessage(message);
		hpa.getStatus().setConditions(conditions);
	}

	private static String timestamp(Instant now) {
		return now.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	/**
	 * updateStatusIfNeeded: an unchanged status is not written, so an idle HPA makes no
	 * writes.
	 */
	private void writeStatusIfChanged(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus before) {
		if (Objects.equals(hpa.getStatus(), before)) {
			return;
		}
		this.control.updateStatus(hpa);
	}

}
