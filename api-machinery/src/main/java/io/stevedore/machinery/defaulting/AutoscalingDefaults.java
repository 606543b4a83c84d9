package io.stevedore.machinery.defaulting;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricSource;

/**
 * autoscaling/v2 defaults: minReplicas 1, 80% average CPU when no metric is given, and,
 * when a behavior is given, its missing scale-up/scale-down rules filled from Kubernetes'
 * defaults.
 */
public final class AutoscalingDefaults {

	static final int DEFAULT_CPU_UTILIZATION = 80;

	private AutoscalingDefaults() {
	}

	public static void hpa(HorizontalPodAutoscaler hpa) {
		if (hpa.getSpec() == null) {
			hpa.setSpec(new HorizontalPodAutoscalerSpec());
		}
		HorizontalPodAutoscalerSpec spec = hpa.getSpec();
		if (spec.getMinReplicas() == null) {
			spec.setMinReplicas(1);
		}
		if (spec.getMetrics() == null || spec.getMetrics().isEmpty()) {
			MetricTarget target = new MetricTarget();
			target.setType("Utilization");
			target.setAverageUtilization(DEFAULT_CPU_UTILIZATION);
			ResourceMetricSource cpu = new ResourceMetricSource();
			cpu.setName("cpu");
			cpu.setTarget(target);
			MetricSpec metric = new MetricSpec();
			metric.setType("Resource");
			metric.setResource(cpu);
			spec.setMetrics(new ArrayList<>(List.of(metric)));
		}
		if (spec.getBehavior() != null) {
			spec.getBehavior()
				.setScaleUp(
						fill(spec.getBehavior().getScaleUp(), 0, List.of(policy("Pods", 4), policy("Percent", 100))));
			spec.getBehavior()
				.setScaleDown(fill(spec.getBehavior().getScaleDown(), null, List.of(policy("Percent", 100))));
		}
	}

	private static HPAScalingRules fill(HPAScalingRules given, Integer window, List<HPAScalingPolicy> policies) {
		HPAScalingRules rules = new HPAScalingRules();
		rules.setStabilizationWindowSeconds(window);
		rules.setSelectPolicy("Max");
		rules.setPolicies(new ArrayList<>(policies));
		if (given == null) {
			return rules;
		}
		if (given.getSelectPolicy() != null) {
			rules.setSelectPolicy(given.getSelectPolicy());
		}
		if (given.getStabilizationWindowSeconds() != null) {
			rules.setStabilizationWindowSeconds(given.getStabilizationWindowSeconds());
		}
		if (given.getPolicies() != null && !given.getPolicies().isEmpty()) {
			rules.setPolicies(given.getPolicies());
		}
		rules.setTolerance(given.getTolerance());
		return rules;
	}

	private static HPAScalingPolicy policy(String type, int value) {
		HPAScalingPolicy p = new HPAScalingPolicy();
		p.setType(type);
		p.setValue(value);
		p.setPeriodSeconds(15);
		return p;
	}

}
