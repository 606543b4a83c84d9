package io.stevedore.controller.horizontalpodautoscaler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;

/**
 * Turns a metrics proposal into the replica count to set (Kubernetes'
 * normalizeDesiredReplicas and normalizeDesiredReplicasWithBehaviors): stabilization over
 * the recent recommendations, then the rate limits and min/maxReplicas. Remembers, per
 * HPA, the recommendations and the scale events of this controller's lifetime, as
 * Kubernetes does in memory (a new leader starts afresh).
 */
final class ScaleNormalizer {

	/** Without behavior: at most double, or 4, per sync (calculateScaleUpLimit). */
	private static final double SCALE_UP_LIMIT_FACTOR = 2.0;

	private static final int SCALE_UP_LIMIT_MINIMUM = 4;

	private final Duration downscaleStabilization;

	private final Map<String, List<Sample>> recommendations = new ConcurrentHashMap<>();

	private final Map<String, List<Sample>> scaleUpEvents = new ConcurrentHashMap<>();

	private final Map<String, List<Sample>> scaleDownEvents = new ConcurrentHashMap<>();

	ScaleNormalizer(Duration downscaleStabilization) {
		this.downscaleStabilization = downscaleStabilization;
	}

	/** A recommendation or a scale event (then value is the change). */
	private record Sample(Instant time, int value) {
	}

	/** The outcome and the two conditions it implies. */
	record Normalized(int replicas, String ableReason, String ableMessage, boolean limited, String limitReason,
			String limitMessage) {
	}

	record Args(String key, HorizontalPodAutoscalerBehavior behavior, int minReplicas, int maxReplicas,
			int currentReplicas, int desiredReplicas) {
	}

	Normalized normalize(Args args, Instant now) {
		return args.behavior() == null ? withoutBehavior(args, now) : withBehavior(args, now);
	}

	void forget(String key) {
		this.recommendations.remove(key);
		this.scaleUpEvents.remove(key);
		this.scaleDownEvents.remove(key);
	}

	private Normalized withoutBehavior(Args args, Instant now) {
		int stabilized = args.desiredReplicas();
		Instant cutoff = now.minus(this.downscaleStabilization);
		List<Sample> samples = this.recommendations.computeIfAbsent(args.key(), (k) -> new ArrayList<>());
		synchronized (samples) {
			for (Sample sample : samples) {
				if (!sample.time().isBefore(cutoff) && sample.value() > stabilized) {
					stabilized = sample.value();
				}
			}
			samples.removeIf((s) -> s.time().isBefore(cutoff));
			samples.add(new Sample(now, args.desiredReplicas()));
		}
		String ableReason = stabilized != args.desiredReplicas() ? "ScaleDownStabilized" : "ReadyForNewScale";
		String ableMessage = stabilized != args.desiredReplicas()
				? "recent recommendations were higher than current one, applying the highest recent recommendation"
				: "recommended size matches current size";
		int scaleUpLimit = Math.max((int) (SCALE_UP_LIMIT_FACTOR * args.currentReplicas()), SCALE_UP_LIMIT_MINIMUM);
		int maximum;
		String limitReason;
		String limitMessage;
		if (args.maxReplicas() > scaleUpLimit) {
			maximum = scaleUpLimit;
			limitReason = "ScaleUpLimit";
			limitMessage = "the desired replica count is increasing faster than the maximum scale rate";
		}
		else {
			maximum = args.maxReplicas();
			limitReason = "TooManyReplicas";
			limitMessage = "the desired replica count is more than the maximum replica count";
		}
		if (stabilized < args.minReplicas()) {
			return new Normalized(args.minReplicas(), ableReason, ableMessage, true, "TooFewReplicas",
					"the desired replica count is less than the minimum replica count");
		}
		if (stabilized > maximum) {
			return new Normalized(maximum, ableReason, ableMessage, true, limitReason, limitMessage);
		}
		return new Normalized(stabilized, ableReason, ableMessage, false, "DesiredWithinRange",
				"the desired count is within the acceptable range");
	}

	private Normalized withBehavior(Args args, Instant now) {
		HPAScalingRules up = args.behavior().getScaleUp();
		HPAScalingRules down = args.behavior().getScaleDown();
		int upWindow = up == null || up.getStabilizationWindowSeconds() == null ? 0
				: up.getStabilizationWindowSeconds();
		// maybeInitScaleDownStabilizationWindow: the controller's setting when unset.
		int downWindow = down == null || down.getStabilizationWindowSeconds() == null
				? (int) this.downscaleStabilization.toSeconds() : down.getStabilizationWindowSeconds();
		Instant upCutoff = now.minusSeconds(upWindow);
		Instant downCutoff = now.minusSeconds(downWindow);
		Instant obsolete = now.minusSeconds(Math.max(upWindow, downWindow));
		int upRecommendation = args.desiredReplicas();
		int downRecommendation = args.desiredReplicas();
		List<Sample> samples = this.recommendations.computeIfAbsent(args.key(), (k) -> new ArrayList<>());
		synchronized (samples) {
			for (Sample sample : samples) {
				if (sample.time().isAfter(upCutoff)) {
					upRecommendation = Math.min(upRecommendation, sample.value());
				}
				if (sample.time().isAfter(downCutoff)) {
					downRecommendation = Math.max(downRecommendation, sample.value());
				}
			}
			samples.removeIf((s) -> s.time().isBefore(obsolete));
			samples.add(new Sample(now, args.desiredReplicas()));
		}
		int stabilized = Math.min(Math.max(args.currentReplicas(), upRecommendation), downRecommendation);
		String ableReason = stabilized != args.desiredReplicas() ? "ScaleDownStabilized" : "ReadyForNewScale";
		String ableMessage = stabilized != args.desiredReplicas()
				? "recent recommendations were higher than current one, applying the highest recent recommendation"
				: "recommended size matches current size";
		int current = args.currentReplicas();
		if (stabilized > current) {
			int limit = Math.max(scaleUpLimit(current, events(this.scaleUpEvents, args.key()), up, now), current);
			if (args.maxReplicas() > limit) {
				if (stabilized > limit) {
					return new Normalized(limit, ableReason, ableMessage, true, "ScaleUpLimit",
							"the desired replica count is increasing faster than the maximum scale rate");
				}
			}
			else if (stabilized > args.maxReplicas()) {
				return new Normalized(args.maxReplicas(), ableReason, ableMessage, true, "TooManyReplicas",
						"the desired replica count is more than the maximum replica count");
			}
		}
		else if (stabilized < current) {
			int limit = Math.min(scaleDownLimit(current, events(this.scaleDownEvents, args.key()), down, now), current);
			if (args.minReplicas() < limit) {
				if (stabilized < limit) {
					return new Normalized(limit, ableReason, ableMessage, true, "ScaleDownLimit",
							"the desired replica count is decreasing faster than the maximum scale rate");
				}
			}
			else if (stabilized < args.minReplicas()) {
				return new Normalized(args.minReplicas(), ableReason, ableMessage, true, "TooFewReplicas",
						"the desired replica count is less than the minimum replica count");
			}
		}
		return new Normalized(stabilized, ableReason, ableMessage, false, "DesiredWithinRange",
				"the desired count is within the acceptable range");
	}

	/**
	 * storeScaleEvent: only HPAs with a behavior keep them, as only their limits need
	 * them.
	 */
	void recordScale(String key, HorizontalPodAutoscalerBehavior behavior, int previous, int replicas, Instant now) {
		if (behavior == null || previous == replicas) {
			return;
		}
		Map<String, List<Sample>> events = replicas > previous ? this.scaleUpEvents : this.scaleDownEvents;
		List<Sample> list = events.computeIfAbsent(key, (k) -> new ArrayList<>());
		synchronized (list) {
			// Anything older than the longest policy period can no longer limit anything.
			Instant cutoff = now.minusSeconds(longestPeriod(behavior));
			list.removeIf((s) -> s.time().isBefore(cutoff));
			list.add(new Sample(now, Math.abs(replicas - previous)));
		}
	}

	private static List<Sample> events(Map<String, List<Sample>> events, String key) {
		List<Sample> list = events.get(key);
		if (list == null) {
			return List.of();
		}
		synchronized (list) {
			return List.copyOf(list);
		}
	}

	private static long longestPeriod(HorizontalPodAutoscalerBehavior behavior) {
		long longest = 0;
		for (HPAScalingRules rules : new HPAScalingRules[] { behavior.getScaleUp(), behavior.getScaleDown() }) {
			if (rules != null && rules.getPolicies() != null) {
				for (HPAScalingPolicy policy : rules.getPolicies()) {
					longest = Math.max(longest, policy.getPeriodSeconds());
				}
			}
		}
		return longest;
	}

	private static int changeInPeriod(List<Sample> events, int periodSeconds, Instant now) {
		Instant cutoff = now.minusSeconds(periodSeconds);
		int change = 0;
		for (Sample event : events) {
			if (event.time().isAfter(cutoff)) {
				change += event.value();
			}
		}
		return change;
	}

	/** calculateScaleUpLimitWithScalingRules. */
	static int scaleUpLimit(int current, List<Sample> events, HPAScalingRules rules, Instant now) {
		if (rules == null || "Disabled".equals(rules.getSelectPolicy())) {
			return current;
		}
		boolean min = "Min".equals(rules.getSelectPolicy());
		long result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
		for (HPAScalingPolicy policy : rules.getPolicies()) {
			int periodStart = current - changeInPeriod(events, policy.getPeriodSeconds(), now);
			long proposed = "Pods".equals(policy.getType()) ? (long) periodStart + policy.getValue()
					: (long) Math.ceil(periodStart * (1 + policy.getValue() / 100.0));
			result = min ? Math.min(result, proposed) : Math.max(result, proposed);
		}
		return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
	}

	/**
	 * calculateScaleDownLimitWithBehaviors: Min selects the smaller change, the larger
	 * count.
	 */
	static int scaleDownLimit(int current, List<Sample> events, HPAScalingRules rules, Instant now) {
		if (rules == null || "Disabled".equals(rules.getSelectPolicy())) {
			return current;
		}
		boolean min = "Min".equals(rules.getSelectPolicy());
		long result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
		for (HPAScalingPolicy policy : rules.getPolicies()) {
			int periodStart = current + changeInPeriod(events, policy.getPeriodSeconds(), now);
			long proposed = "Pods".equals(policy.getType()) ? (long) periodStart - policy.getValue()
					: (long) (periodStart * (1 - policy.getValue() / 100.0));
			result = min ? Math.max(result, proposed) : Math.min(result, proposed);
		}
		return (int) result;
	}

}
