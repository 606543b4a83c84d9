package io.stevedore.controller.disruption;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.EventRecorder;
import io.stevedore.controller.workload.PodStates;
import io.stevedore.machinery.selectors.LabelSelector;

/**
 * Kubernetes' disruption controller for one PodDisruptionBudget ({@code namespace/name}):
 * status.expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed,
 * observedGeneration, disruptedPods and the condition DisruptionAllowed, which the
 * apiserver's pods/eviction reads to allow or refuse (429) an eviction.
 * <ul>
 * <li>maxUnavailable (int or percent, rounded up) and a percent minAvailable (rounded up)
 * are taken of the pods' controllers' scale; an integer minAvailable counts the selected
 * pods;</li>
 * <li>a pod counts as healthy when Ready, not terminating and not in disruptedPods (an
 * eviction the apiserver granted whose deletion has not been seen yet);</li>
 * <li>a disruptedPods entry is dropped once its pod is gone or terminating, or after 2
 * minutes (with a NotDeleted event), and the PDB is looked at again when the oldest entry
 * expires;</li>
 * <li>when the status cannot be computed, disruptionsAllowed goes to 0 with the condition
 * reason SyncFailed ("fail safe": no eviction is granted on a budget we cannot
 * judge).</li>
 * </ul>
 */
public final class DisruptionSync implements Reconciler {

	/** Kubernetes' DeletionTimeout: how long a granted eviction may take to show. */
	static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

	static final String CONDITION = "DisruptionAllowed";

	static final Duration CONFLICT_RETRY = Duration.ofMillis(200);

	private final CacheLister<PodDisruptionBudget> budgets;

	private final CacheLister<Pod> pods;

	private final ExpectedScale expectedScale;

	private final UnaryOperator<PodDisruptionBudget> updateStatus;

	private final EventRecorder events;

	private final Clock clock;

	/**
	 * @param updateStatus PUT poddisruptionbudgets/{name}/status
	 */
	public DisruptionSync(CacheLister<PodDisruptionBudget> budgets, CacheLister<Pod> pods, ExpectedScale expectedScale,
			UnaryOperator<PodDisruptionBudget> updateStatus, EventRecorder events, Clock clock) {
		this.budgets = budgets;
		this.pods = pods;
		this.expectedScale = expectedScale;
		this.updateStatus = updateStatus;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		PodDisruptionBudget pdb = this.budgets.get(Keys.namespace(key), Keys.name(key));
		if (pdb == null) {
			return Result.done();
		}
		try {
			return trySync(pdb);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 409) {
				// Our cache has not seen our own last write yet: look again once it has.
				return Result.requeueAfter(CONFLICT_RETRY);
			}
			// The status write itself failed: retry it with backoff, nothing to mark.
			throw ex;
		}
		catch (RuntimeException ex) {
			failSafe(pdb, ex.getMessage());
			throw ex;
		}
	}

	private Result trySync(PodDisruptionBudget pdb) {
		List<Pod> selected = selectedPods(pdb);
		if (selected.isEmpty()) {
			this.events.event(pdb, EventRecorder.NORMAL, "NoPods", "No matching pods found");
		}
		int[] expectedAndDesired;
		try {
			expectedAndDesired = expectedAndDesired(pdb, selected);
		}
		catch (RuntimeException ex) {
			this.events.event(pdb, EventRecorder.WARNING, "CalculateExpectedPodCountFailed",
					"Failed to calculate the number of expected pods: " + ex.getMessage());
			throw ex;
		}
		Instant now = this.clock.instant();
		Map<String, String> disrupted = new LinkedHashMap<>();
		Instant recheck = disruptedPods(pdb, selected, now, disrupted);
		int currentHealthy = 0;
		for (Pod pod : selected) {
			if (pod.getMetadata().getDeletionTimestamp() == null && !disrupted.containsKey(pod.getMetadata().getName())
					&& PodStates.isReady(pod)) {
				currentHealthy++;
			}
		}
		int expected = expectedAndDesired[0];
		int desired = expectedAndDesired[1];
		// No disruption while no pod is expected: a PDB whose first pods have just
		// appeared must not allow evicting them before this sync has seen them.
		int allowed = Math.max(0, currentHealthy - desired);
		if (expected <= 0) {
			allowed = 0;
		}
		writeStatus(pdb, expected, desired, currentHealthy, allowed, disrupted);
		return recheck == null ? Result.done() : Result.requeueAfter(Duration.between(now, recheck));
	}

	private List<Pod> selectedPods(PodDisruptionBudget pdb) {
		LabelSelector selector = LabelSelector.from(pdb.getSpec() == null ? null : pdb.getSpec().getSelector());
		List<Pod> selected = new ArrayList<>();
		for (Pod pod : this.pods.list(pdb.getMetadata().getNamespace())) {
			if (selector.matches(pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels())) {
				selected.add(pod);
			}
		}
		return selected;
	}

	/** Kubernetes' getExpectedPodCount: {expectedCount, desiredHealthy}. */
	private int[] expectedAndDesired(PodDisruptionBudget pdb, List<Pod> selected) {
		IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
		IntOrString minAvailable = pdb.getSpec().getMinAvailable();
		if (maxUnavailable != null) {
			int expected = scale(pdb, selected);
			int unavailable = scaledValue(maxUnavailable, expected);
			return new int[] { expected, Math.max(0, expected - unavailable) };
		}
		if (minAvailable != null) {
			if (minAvailable.getIntVal() != null) {
				return new int[] { selected.size(), minAvailable.getIntVal() };
			}
			int expected = scale(pdb, selected);
			return new int[] { expected, scaledValue(minAvailable, expected) };
		}
		return new int[] { 0, 0 };
	}

	private int scale(PodDisruptionBudget pdb, List<Pod> selected) {
		ExpectedScale.Result result;
		try {
			result = this.expectedScale.of(selected);
		}
		catch (IllegalStateException ex) {
			this.events.event(pdb, EventRecorder.WARNING, "NoControllers", ex.getMessage());
			throw ex;
		}
		if (!result.unmanagedPods().isEmpty()) {
			this.events.event(pdb, EventRecorder.WARNING, "UnmanagedPods",
					"Pods selected by this " + "PodDisruptionBudget (selector: "
							+ LabelSelector.from(pdb.getSpec().getSelector())
							+ ") were found to be unmanaged. As a result, the status of the PDB cannot be calculated "
							+ "correctly, which may result in undefined behavior. To account for these pods please set "
							+ "\".spec.minAvailable\" field of the PDB to an integer value.");
		}
		return result.expectedCount();
	}

	/** Kubernetes' GetScaledValueFromIntOrPercent, rounding up as the PDB code asks. */
	static int scaledValue(IntOrString value, int total) {
		if (value.getIntVal() != null) {
			return value.getIntVal();
		}
		String text = value.getStrVal();
		if (text == null || !text.endsWith("%")) {
			throw new IllegalArgumentException(
					"invalid value for IntOrString: invalid type: string is not a percentage");
		}
		int percent;
		try {
			percent = Integer.parseInt(text.substring(0, text.length() - 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("invalid value \"" + text + "\": " + ex.getMessage());
		}
		return (int) Math.ceilDiv((long) percent * total, 100);
	}

	/**
	 * Kubernetes' buildDisruptedPodMap: keeps the entries whose pod still exists, is not
	 * terminating and whose eviction is younger than the timeout.
	 * @return when the oldest kept entry expires, or null
	 */
	private Instant disruptedPods(PodDisruptionBudget pdb, List<Pod> selected, Instant now, Map<String, String> kept) {
		Map<String, String> previous = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptedPods();
		if (previous == null || previous.isEmpty()) {
			return null;
		}
		Instant recheck = null;
		for (Pod pod : selected) {
			String since = previous.get(pod.getMetadata().getName());
			if (since == null || pod.getMetadata().getDeletionTimestamp() != null) {
				continue;
			}
			Instant expectedDeletion = Instant.parse(since).plus(DELETION_TIMEOUT);
			if (expectedDeletion.isBefore(now)) {
				this.events.event(pod, EventRecorder.WARNING, "NotDeleted",
						"Pod was expected by PDB " + pdb.getMetadata().getNamespace() + "/"
								+ pdb.getMetadata().getName() + " to be deleted but it wasn't");
				continue;
			}
			kept.put(pod.getMetadata().getName(), since);
			if (recheck == null || expectedDeletion.isBefore(recheck)) {
				recheck = expectedDeletion;
			}
		}
		return recheck;
	}

	private void writeStatus(PodDisruptionBudget pdb, int expected, int desired, int currentHealthy, int allowed,
			Map<String, String> disrupted) {
		PodDisruptionBudgetStatus old = pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
		Long generation = pdb.getMetadata().getGeneration();
		boolean upToDate = Objects.equals(old.getExpectedPods(), expected)
				&& Objects.equals(old.getDesiredHealthy(), desired)
				&& Objects.equals(old.getCurrentHealthy(), currentHealthy)
				&& Objects.equals(old.getDisruptionsAllowed(), allowed)
				&& Objects.equals(emptyIfNull(old.getDisruptedPods()), disrupted)
				&& Objects.equals(old.getObservedGeneration(), generation) && conditionUpToDate(old, allowed);
		if (upToDate) {
			return;
		}
		PodDisruptionBudget updated = new PodDisruptionBudgetBuilder(pdb).build();
		PodDisruptionBudgetStatus status = new PodDisruptionBudgetStatus();
		status.setExpectedPods(expected);
		status.setDesiredHealthy(desired);
		status.setCurrentHealthy(currentHealthy);
		status.setDisruptionsAllowed(allowed);
		status.setDisruptedPods(disrupted.isEmpty() ? null : disrupted);
		status.setObservedGeneration(generation);
		status.setConditions(withCondition(old.getConditions(), allowed > 0 ? "True" : "False",
				allowed > 0 ? "SufficientPods" : "InsufficientPods", "", generation));
		updated.setStatus(status);
		this.updateStatus.apply(updated);
	}

	/** Kubernetes' failSafe: no disruption allowed, condition reason SyncFailed. */
	private void failSafe(PodDisruptionBudget pdb, String message) {
		PodDisruptionBudget updated = new PodDisruptionBudgetBuilder(pdb).build();
		PodDisruptionBudgetStatus status = updated.getStatus() == null ? new PodDisruptionBudgetStatus()
				: updated.getStatus();
		status.setDisruptionsAllowed(0);
		status.setConditions(withCondition(status.getConditions(), "False", "SyncFailed",
				message == null ? "" : message, status.getObservedGeneration()));
		updated.setStatus(status);
		this.updateStatus.apply(updated);
	}

	private static boolean conditionUpToDate(PodDisruptionBudgetStatus status, int allowed) {
		if (status.getConditions() == null) {
			return false;
		}
		return status.getConditions()
			.stream()
			.anyMatch(c -> CONDITION.equals(c.getType()) && (allowed > 0 ? "True" : "False").equals(c.getStatus())
					&& !"SyncFailed".equals(c.getReason()));
	}

	/**
	 * meta.SetStatusCondition: the transition time moves only when the status changes.
	 */
	private List<Condition> withCondition(List<Condition> existing, String status, String reason, String message,
			Long observedGeneration) {
		List<Condition> conditions = new ArrayList<>(existing == null ? List.of() : existing);
		Condition previous = conditions.stream().filter(c -> CONDITION.equals(c.getType())).findFirst().orElse(null);
		String transition = (previous != null && status.equals(previous.getStatus())
				&& previous.getLastTransitionTime() != null) ? previous.getLastTransitionTime()
						: this.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
		conditions.removeIf(c -> CONDITION.equals(c.getType()));
		conditions.add(new ConditionBuilder().withType(CONDITION)
			.withStatus(status)
			.withReason(reason)
			.withMessage(message)
			.withObservedGeneration(observedGeneration)
			.withLastTransitionTime(transition)
			.build());
		return conditions;
	}

	private static Map<String, String> emptyIfNull(Map<String, String> map) {
		return map == null ? Map.of() : map;
	}

}
