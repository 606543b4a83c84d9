package io.stevedore.controller.job;

import java.util.List;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnExitCodesRequirement;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyOnPodConditionsPattern;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;

/**
 * Kubernetes' {@code matchPodFailurePolicy}: the first rule matching a failed pod decides
 * whether its failure fails the Job, is ignored (not counted toward backoffLimit) or
 * counted.
 */
final class PodFailurePolicies {

	/** What a rule decided, and the message Kubernetes reports for FailJob. */
	record Verdict(String action, String message) {

		static final Verdict COUNT = new Verdict("Count", null);

	}

	private PodFailurePolicies() {
	}

	static Verdict match(PodFailurePolicy policy, Pod pod) {
		if (policy == null || policy.getRules() == null) {
			return Verdict.COUNT;
		}
		List<PodFailurePolicyRule> rules = policy.getRules();
		for (int i = 0; i < rules.size(); i++) {
			PodFailurePolicyRule rule = rules.get(i);
			if (rule.getOnExitCodes() != null) {
				ContainerStatus container = matchingContainer(rule.getOnExitCodes(), pod);
				if (container != null) {
					int code = container.getState().getTerminated().getExitCode();
					return new Verdict(rule.getAction(),
							"Container " + container.getName() + " for pod " + pod.getMetadata().getNamespace() + "/"
									+ pod.getMetadata().getName() + " failed with exit code " + code + " matching "
									+ rule.getAction() + " rule at index " + i);
				}
			}
			else if (rule.getOnPodConditions() != null && matchesCondition(rule.getOnPodConditions(), pod)) {
				return new Verdict(rule.getAction(),
						"Pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()
								+ " has condition matching " + rule.getAction() + " rule at index " + i);
			}
		}
		return Verdict.COUNT;
	}

	private static ContainerStatus matchingContainer(PodFailurePolicyOnExitCodesRequirement requirement, Pod pod) {
		if (pod.getStatus() == null) {
			return null;
		}
		List<ContainerStatus> statuses = new java.util.ArrayList<>();
		if (pod.getStatus().getInitContainerStatuses() != null) {
			statuses.addAll(pod.getStatus().getInitContainerStatuses());
		}
		if (pod.getStatus().getContainerStatuses() != null) {
			statuses.addAll(pod.getStatus().getContainerStatuses());
		}
		for (ContainerStatus status : statuses) {
			if (requirement.getContainerName() != null && !requirement.getContainerName().equals(status.getName())) {
				continue;
			}
			if (status.getState() == null || status.getState().getTerminated() == null) {
				continue;
			}
			int code = status.getState().getTerminated().getExitCode();
			// Exit code 0 is a success and never matches, NotIn included.
			if (code == 0) {
				continue;
			}
			boolean in = requirement.getValues() != null && requirement.getValues().contains(code);
			if ("In".equals(requirement.getOperator()) == in) {
				return status;
			}
		}
		return null;
	}

	private static boolean matchesCondition(List<PodFailurePolicyOnPodConditionsPattern> patterns, Pod pod) {
		if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
			return false;
		}
		for (PodFailurePolicyOnPodConditionsPattern pattern : patterns) {
			String wanted = pattern.getStatus() == null ? "True" : pattern.getStatus();
			for (PodCondition condition : pod.getStatus().getConditions()) {
				if (pattern.getType().equals(condition.getType()) && wanted.equals(condition.getStatus())) {
					return true;
				}
			}
		}
		return false;
	}

}
