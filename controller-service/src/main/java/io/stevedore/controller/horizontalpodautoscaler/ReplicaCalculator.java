package io.stevedore.controller.horizontalpodautoscaler;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Kubernetes' replica calculator (pkg/controller/podautoscaler/replica_calculator.go) for
 * Resource metrics: the proposal is ceil(ready pods × usage ratio) unless the ratio is
 * within the tolerance; pods without metrics count as using 100 % (or the target if
 * higher) on a scale-down and 0 on a scale-up, and not-yet-ready pods count as 0 on a
 * scale-up, so neither can make the autoscaler overshoot. Pure: pods, metrics and the
 * time come in.
 */
final class ReplicaCalculator {

	private final double tolerance;

	private final Duration cpuInitializationPeriod;

	private final Duration initialReadinessDelay;

	ReplicaCalculator(double tolerance, Duration cpuInitializationPeriod, Duration initialReadinessDelay) {
		this.tolerance = tolerance;
		this.cpuInitializationPeriod = cpuInitializationPeriod;
		this.initialReadinessDelay = initialReadinessDelay;
	}

	/**
	 * @param utilization the current average utilization in percent of the requests
	 * @param rawAverage the current average usage in milli-units
	 */
	record Proposal(int replicas, int utilization, long rawAverage) {
	}

	/** A target of type Utilization: a percentage of the pods' requests. */
	Proposal utilizationReplicas(int currentReplicas, int targetUtilization, String resource, List<Pod> pods,
			Map<String, PodMetric> podMetrics, Instant now) {
		Map<String, PodMetric> metrics = new HashMap<>(podMetrics);
		Groups groups = group(pods, metrics, resource, now);
		metrics.keySet().removeAll(groups.ignored);
		metrics.keySet().removeAll(groups.unready);
		if (metrics.isEmpty()) {
			throw new IllegalStateException("did not receive metrics for targeted pods (pods might be unready)");
		}
		Map<String, Long> requests = requests(pods, resource);
		Ratio ratio = utilizationRatio(metrics, requests, targetUtilization);
		boolean scaleUpWithUnready = !groups.unready.isEmpty() && ratio.ratio > 1.0;
		if (!scaleUpWithUnready && groups.missing.isEmpty()) {
			if (Math.abs(1.0 - ratio.ratio) <= this.tolerance) {
				return new Proposal(currentReplicas, ratio.utilization, ratio.rawAverage);
			}
			return new Proposal((int) Math.ceil(ratio.ratio * groups.ready), ratio.utilization, ratio.rawAverage);
		}
		if (!groups.missing.isEmpty()) {
			if (ratio.ratio < 1.0) {
				long fallback = Math.max(100, targetUtilization);
				for (String pod : groups.missing) {
					metrics.put(pod,
							new PodMetric(requests.getOrDefault(pod, 0L) * fallback / 100, now, Duration.ZERO));
				}
			}
			else if (ratio.ratio > 1.0) {
				for (String pod : groups.missing) {
					metrics.put(pod, new PodMetric(0, now, Duration.ZERO));
				}
			}
		}
		if (scaleUpWithUnready) {
			for (String pod : groups.unready) {
				metrics.put(pod, new PodMetric(0, now, Duration.ZERO));
			}
		}
		Ratio rebalanced = utilizationRatio(metrics, requests, targetUtilization);
		int replicas = rebalance(currentReplicas, ratio.ratio, rebalanced.ratio, metrics.size());
		// Kubernetes reports the utilization measured before the assumptions.
		return new Proposal(replicas, ratio.utilization, ratio.rawAverage);
	}

	/** A target of type AverageValue: a quantity per pod, in milli-units. */
	Proposal averageValueReplicas(int currentReplicas, long targetMilli, String resource, List<Pod> pods,
			Map<String, PodMetric> podMetrics, Instant now) {
		Map<String, PodMetric> metrics = new HashMap<>(podMetrics);
		Groups groups = group(pods, metrics, resource, now);
		metrics.keySet().removeAll(groups.ignored);
		metrics.keySet().removeAll(groups.unready);
		if (metrics.isEmpty()) {
			throw new IllegalStateException("did not receive metrics for targeted pods (pods might be unready)");
		}
		long average = average(metrics);
		double ratio = (double) average / targetMilli;
		boolean scaleUpWithUnready = !groups.unready.isEmpty() && ratio > 1.0;
		if (!scaleUpWithUnready && groups.missing.isEmpty()) {
			if (Math.abs(1.0 - ratio) <= this.tolerance) {
				return new Proposal(currentReplicas, 0, average);
			}
			return new Proposal((int) Math.ceil(ratio * groups.ready), 0, average);
		}
		if (!groups.missing.isEmpty()) {
			for (String pod : groups.missing) {
				metrics.put(pod, new PodMetric(ratio < 1.0 ? targetMilli : 0, now, Duration.ZERO));
			}
		}
		if (scaleUpWithUnready) {
			for (String pod : groups.unready) {
				metrics.put(pod, new PodMetric(0, now, Duration.ZERO));
			}
		}
		double rebalanced = (double) average(metrics) / targetMilli;
		return new Proposal(rebalance(currentReplicas, ratio, rebalanced, metrics.size()), 0, average);
	}

	/**
	 * After the assumptions: keep the current count if they bring the ratio within the
	 * tolerance or flip its direction, and never move against the measured direction.
	 */
	private int rebalance(int currentReplicas, double ratio, double newRatio, int pods) {
		if (Math.abs(1.0 - newRatio) <= this.tolerance || (ratio < 1.0 && newRatio > 1.0)
				|| (ratio > 1.0 && newRatio < 1.0)) {
			return currentReplicas;
		}
		int replicas = (int) Math.ceil(newRatio * pods);
		if ((newRatio < 1.0 && replicas > currentReplicas) || (newRatio > 1.0 && replicas < currentReplicas)) {
			return currentReplicas;
		}
		return replicas;
	}

	private static long average(Map<String, PodMetric> metrics) {
		long total = 0;
		for (PodMetric metric : metrics.values()) {
			total += metric.milliValue();
		}
		return total / metrics.size();
	}

	private record Ratio(double ratio, int utilization, long rawAverage) {
	}

	/**
	 * metricsclient.GetResourceUtilizationRatio: only pods with both a metric and
	 * requests count.
	 */
	private static Ratio utilizationRatio(Map<String, PodMetric> metrics, Map<String, Long> requests, int target) {
		long metricsTotal = 0;
		long requestsTotal = 0;
		int entries = 0;
		for (Map.Entry<String, PodMetric> entry : metrics.entrySet()) {
			Long request = requests.get(entry.getKey());
			if (request == null) {
				continue;
			}
			metricsTotal += entry.getValue().milliValue();
			requestsTotal += request;
			entries++;
		}
		if (requestsTotal == 0) {
			throw new IllegalStateException("no metrics returned matched known pods");
		}
		int utilization = (int) (metricsTotal * 100 / requestsTotal);
		return new Ratio((double) utilization / target, utilization, metricsTotal / entries);
	}

	/** Every container must request the resource, else utilization has no meaning. */
	static Map<String, Long> requests(List<Pod> pods, String resource) {
		Map<String, Long> result = new HashMap<>();
		for (Pod pod : pods) {
			long total = 0;
			for (Container container : pod.getSpec().getContainers()) {
				Quantity request = container.getResources() == null || container.getResources().getRequests() == null
						? null : container.getResources().getRequests().get(resource);
				if (request == null) {
					throw new IllegalStateException("missing request for " + resource + " in container "
							+ container.getName() + " of Pod " + pod.getMetadata().getName());
				}
				total += milli(request);
			}
			result.put(pod.getMetadata().getName(), total);
		}
		return result;
	}

	static long milli(Quantity quantity) {
		BigDecimal amount = Quantity.getAmountInBytes(quantity);
		return amount.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
	}

	private record Groups(int ready, Set<String> unready, Set<String> missing, Set<String> ignored) {
	}

	/**
	 * groupPods: deleted and failed pods are ignored; pending ones are unready; a CPU
	 * sample is not trusted while the pod is in its initialization period and either not
	 * ready or measured over a window that began before it became ready, nor afterwards
	 * if the pod has not become ready for the first time yet.
	 */
	private Groups group(List<Pod> pods, Map<String, PodMetric> metrics, String resource, Instant now) {
		int ready = 0;
		Set<String> unready = new HashSet<>();
		Set<String> missing = new HashSet<>();
		Set<String> ignored = new HashSet<>();
		for (Pod pod : pods) {
			String name = pod.getMetadata().getName();
			String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
			if (pod.getMetadata().getDeletionTimestamp() != null || "Failed".equals(phase)) {
				ignored.add(name);
				continue;
			}
			if ("Pending".equals(phase)) {
				unready.add(name);
				continue;
			}
			PodMetric metric = metrics.get(name);
			if (metric == null) {
				missing.add(name);
				continue;
			}
			if ("cpu".equals(resource) && cpuUnready(pod, metric, now)) {
				unready.add(name);
				continue;
			}
			ready++;
		}
		return new Groups(ready, unready, missing, ignored);
	}

	private boolean cpuUnready(Pod pod, PodMetric metric, Instant now) {
		PodCondition condition = pod.getStatus() == null || pod.getStatus().getConditions() == null ? null
				: pod.getStatus()
					.getConditions()
					.stream()
					.filter((c) -> "Ready".equals(c.getType()))
					.findFirst()
					.orElse(null);
		if (condition == null || pod.getStatus().getStartTime() == null) {
			return true;
		}
		Instant start = Instant.parse(pod.getStatus().getStartTime());
		Instant transition = condition.getLastTransitionTime() == null ? start
				: Instant.parse(condition.getLastTransitionTime());
		if (start.plus(this.cpuInitializationPeriod).isAfter(now)) {
			return "False".equals(condition.getStatus())
					|| metric.timestamp().isBefore(transition.plus(metric.window()));
		}
		return "False".equals(condition.getStatus()) && start.plus(this.initialReadinessDelay).isAfter(transition);
	}

}
