package io.stevedore.apiserver.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * The decisions of Kubernetes' eviction REST (pkg/registry/core/pod/storage/eviction.go)
 * that need no storage: which pods skip their budget, when an unready pod may go without
 * consuming it, and checkAndDecrement's verdict on one PodDisruptionBudget. Pure
 * functions over the objects given; {@link PodEviction} reads and writes them.
 */
final class DisruptionBudgetCheck {

	/**
	 * Kubernetes' MaxDisruptedPodSize: more granted evictions than this not yet seen by
	 * the disruption controller and the budget refuses more, until the controller (which
	 * drops an entry after 2 minutes) catches up.
	 */
	static final int MAX_DISRUPTED_PODS = 2000;

	static final String TOO_MANY_REQUESTS = "Cannot evict pod as it would violate the pod's disruption budget.";

	static final String MORE_THAN_ONE_BUDGET = "This pod has more than one PodDisruptionBudget, which the eviction "
			+ "subresource does not support.";

	private DisruptionBudgetCheck() {
	}

	/**
	 * canIgnorePDB: a terminal pod has disrupted already, a pending one serves nothing
	 * yet, one being deleted is going anyway.
	 */
	static boolean canIgnoreBudget(Pod pod) {
		String phase = phase(pod);
		return "Succeeded".equals(phase) || "Failed".equals(phase) || "Pending".equals(phase) || deleting(pod);
	}

	/**
	 * shouldEnforceResourceVersion: a pod deleted without its budget must still be the
	 * pod that was judged (a pending pod must not have turned ready in between).
	 */
	static boolean enforcesResourceVersion(Pod pod) {
		String phase = phase(pod);
		return !("Succeeded".equals(phase) || "Failed".equals(phase) || deleting(pod));
	}

	/**
	 * Whether an unready pod may go without consuming the budget: always under
	 * unhealthyPodEvictionPolicy AlwaysAllow; under IfHealthyBudget (the default) when
	 * the application is not disrupted now (currentHealthy >= desiredHealthy > 0), since
	 * the pod counts towards neither.
	 */
	static boolean unhealthyMayGoWithoutBudget(Pod pod, PodDisruptionBudget pdb) {
		if (isReady(pod)) {
			return false;
		}
		if (pdb.getSpec() != null && "AlwaysAllow".equals(pdb.getSpec().getUnhealthyPodEvictionPolicy())) {
			return true;
		}
		int desired = desiredHealthy(pdb);
		return currentHealthy(pdb) >= desired && desired > 0;
	}

	/**
	 * The budgets of the pod's namespace that select it. A budget without a selector or
	 * with an invalid one selects nothing; an empty selector selects every pod
	 * (policy/v1).
	 */
	static List<PodDisruptionBudget> selecting(Pod pod, List<PodDisruptionBudget> budgets) {
		Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
		List<PodDisruptionBudget> selecting = new ArrayList<>();
		for (PodDisruptionBudget pdb : budgets) {
			if (pdb.getSpec() == null) {
				continue;
			}
			LabelSelector selector;
			try {
				selector = LabelSelector.from(pdb.getSpec().getSelector());
			}
			catch (IllegalArgumentException ex) {
				continue;
			}
			if (selector.matches(labels)) {
				selecting.add(pdb);
			}
		}
		return selecting;
	}

	/**
	 * checkAndDecrement: refuses as Kubernetes does, or takes one disruption from the
	 * budget's status and records the pod in disruptedPods (so the disruption controller
	 * no longer counts it healthy). Changes {@code pdb} in place.
	 * @throws ApiException 429 while the budget is being processed or is used up, 403
	 * when it is negative or too many evictions wait for the controller
	 */
	static void checkAndDecrement(PodDisruptionBudget pdb, String podName, Instant now) {
		PodDisruptionBudgetStatus status = pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
		String name = pdb.getMetadata().getName();
		long generation = pdb.getMetadata().getGeneration() == null ? 0 : pdb.getMetadata().getGeneration();
		long observed = status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
		if (observed < generation) {
			throw stillProcessing(name);
		}
		int allowed = status.getDisruptionsAllowed() == null ? 0 : status.getDisruptionsAllowed();
		if (allowed < 0) {
			throw ApiException.forbidden("policy", "poddisruptionbudget", name, "pdb disruptions allowed is negative");
		}
		if (status.getDisruptedPods() != null && status.getDisruptedPods().size() > MAX_DISRUPTED_PODS) {
			throw ApiException.forbidden("policy", "poddisruptionbudget", name,
					"DisruptedPods map too big - too many evictions not confirmed by PDB controller");
		}
		if (allowed == 0) {
			throw tooManyRequests(0, "The disruption budget " + name + " needs " + desiredHealthy(pdb)
					+ " healthy pods and has " + currentHealthy(pdb) + " currently");
		}
		status.setDisruptionsAllowed(allowed - 1);
		if (allowed - 1 == 0) {
			status.setConditions(insufficientPods(status, now));
		}
		Map<String, String> disrupted = new LinkedHashMap<>(
				status.getDisruptedPods() == null ? Map.of() : status.getDisruptedPods());
		disrupted.put(podName, ObjectMetaRules.timestamp(now));
		status.setDisruptedPods(disrupted);
		pdb.setStatus(status);
	}

	/**
	 * The pod condition DisruptionTarget an evicted pod gets before its deletion
	 * (podutil.UpdatePodCondition: the transition time moves only with the status).
	 * @return whether the pod changed
	 */
	static boolean markDisruptionTarget(Pod pod, Instant now) {
		List<PodCondition> conditions = new ArrayList<>(
				pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions());
		PodCondition old = conditions.stream()
			.filter(c -> "DisruptionTarget".equals(c.getType()))
			.findFirst()
			.orElse(null);
		String transition = old != null && "True".equals(old.getStatus()) && old.getLastTransitionTime() != null
				? old.getLastTransitionTime() : ObjectMetaRules.timestamp(now);
		PodCondition condition = new PodConditionBuilder().withType("DisruptionTarget")
			.withStatus("True")
			.withReason("EvictionByEvictionAPI")
			.withMessage("Eviction API: evicting")
			.withLastTransitionTime(transition)
			.build();
		if (old == null) {
			conditions.add(condition);
		}
		else {
			if (condition.equals(old)) {
				return false;
			}
			conditions.set(conditions.indexOf(old), condition);
		}
		pod.getStatus().setConditions(conditions);
		return true;
	}

	/**
	 * A 429 that asks the client to come back: the budget's status does not yet reflect
	 * its spec, or an unready pod became something else while it was judged.
	 */
	static ApiException stillProcessing(String budget) {
		return tooManyRequests(10, "The disruption budget " + budget + " is still being processed by the server.");
	}

	static ApiException moreThanOneBudget() {
		return ApiException.of(500, "InternalError", MORE_THAN_ONE_BUDGET);
	}

	static boolean isReady(Pod pod) {
		return pod.getStatus() != null && pod.getStatus().getConditions() != null
				&& pod.getStatus()
					.getConditions()
					.stream()
					.anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
	}

	private static ApiException tooManyRequests(int retryAfterSeconds, String cause) {
		Status status = new StatusBuilder().withStatus("Failure")
			.withCode(429)
			.withReason("TooManyRequests")
			.withMessage(TOO_MANY_REQUESTS)
			.withDetails(new StatusDetailsBuilder().withRetryAfterSeconds(retryAfterSeconds)
				.withCauses(new StatusCause(null, cause, "DisruptionBudget"))
				.build())
			.build();
		return new ApiException(status);
	}

	/**
	 * pdbhelper.UpdateDisruptionAllowedCondition once the last disruption is taken, with
	 * meta.SetStatusCondition's rule for the transition time.
	 */
	private static List<Condition> insufficientPods(PodDisruptionBudgetStatus status, Instant now) {
		List<Condition> conditions = new ArrayList<>(
				status.getConditions() == null ? List.of() : status.getConditions());
		Condition old = conditions.stream()
			.filter(c -> "DisruptionAllowed".equals(c.getType()))
			.findFirst()
			.orElse(null);
		String transition = old != null && "False".equals(old.getStatus()) && old.getLastTransitionTime() != null
				? old.getLastTransitionTime() : ObjectMetaRules.timestamp(now);
		Condition condition = new ConditionBuilder().withType("DisruptionAllowed")
			.withStatus("False")
			.withReason("InsufficientPods")
			.withMessage("")
			.withObservedGeneration(status.getObservedGeneration())
			.withLastTransitionTime(transition)
			.build();
		if (old == null) {
			conditions.add(condition);
		}
		else {
			conditions.set(conditions.indexOf(old), condition);
		}
		return conditions;
	}

	private static int desiredHealthy(PodDisruptionBudget pdb) {
		return pdb.getStatus() == null || pdb.getStatus().getDesiredHealthy() == null ? 0
				: pdb.getStatus().getDesiredHealthy();
	}

	private static int currentHealthy(PodDisruptionBudget pdb) {
		return pdb.getStatus() == null || pdb.getStatus().getCurrentHealthy() == null ? 0
				: pdb.getStatus().getCurrentHealthy();
	}

	private static String phase(Pod pod) {
		return pod.getStatus() == null ? null : pod.getStatus().getPhase();
	}

	private static boolean deleting(Pod pod) {
		return pod.getMetadata().getDeletionTimestamp() != null;
	}

}
