package io.stevedore.controller.deployment;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.CanAdopt;
import io.stevedore.controller.workload.ClaimCandidates;
import io.stevedore.controller.workload.ControllerRefClaim;
import io.stevedore.controller.workload.EventRecorder;
import io.stevedore.machinery.selectors.LabelSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' {@code syncDeployment}: claims the Deployment's ReplicaSets, then
 *
 * <pre>
 *   being deleted ........................ status only
 *   paused, or replicas changed .......... proportional scaling, status (no rollout)
 *   strategy Recreate .................... {@link Recreate}
 *   strategy RollingUpdate ............... {@link RollingUpdate}
 * </pre>
 *
 * {@code kubectl rollout undo} needs nothing here: kubectl copies the old ReplicaSet's
 * template into the Deployment, which then finds that ReplicaSet as its new one and gives
 * it the next revision. {@code rollout restart} changes a template annotation: a new
 * ReplicaSet like any other template change.
 * <p>
 * Threading: one key at a time; cached objects are copied before any change.
 */
public final class DeploymentSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(DeploymentSync.class);

	private final CacheLister<Deployment> deployments;

	private final CacheLister<ReplicaSet> replicaSets;

	/** Its own ReplicaSets and the namespace's orphans (the informer's owner index). */
	private final ClaimCandidates<ReplicaSet> replicaSetCandidates;

	/** Pods by the uid of their controlling ReplicaSet (the informer's owner index). */
	private final Function<String, List<Pod>> podsControlledBy;

	private final DeploymentWrites writes;

	private final EventRecorder events;

	private final Clock clock;

	private final CanAdopt canAdopt;

	public DeploymentSync(CacheLister<Deployment> deployments, CacheLister<ReplicaSet> replicaSets,
			ClaimCandidates<ReplicaSet> replicaSetCandidates, Function<String, List<Pod>> podsControlledBy,
			DeploymentWrites writes, EventRecorder events, Clock clock, CanAdopt canAdopt) {
		this.canAdopt = canAdopt;
		this.events = events;
		this.deployments = deployments;
		this.replicaSets = replicaSets;
		this.replicaSetCandidates = replicaSetCandidates;
		this.podsControlledBy = podsControlledBy;
		this.writes = writes;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		Keys.check(key);
		Deployment cached = this.deployments.get(Keys.namespace(key), Keys.name(key));
		if (cached == null) {
			return Result.done();
		}
		Deployment d = DeploymentUtil.copy(cached);
		var selectorSpec = d.getSpec().getSelector();
		if (selectorSpec == null
				|| (isEmpty(selectorSpec.getMatchLabels()) && isEmpty(selectorSpec.getMatchExpressions()))) {
			// Kubernetes refuses to select every pod of the namespace.
			this.events.event(d, EventRecorder.WARNING, "SelectingAll",
					"This deployment is selecting all pods. A non-empty selector is required.");
			return Result.done();
		}
		LabelSelector selector;
		try {
			selector = LabelSelector.from(selectorSpec);
		}
		catch (IllegalArgumentException ex) {
			log.warn("invalid selector ns={} name={} error=\"{}\"", Keys.namespace(key), Keys.name(key),
					ex.getMessage());
			return Result.done();
		}
		List<ReplicaSet> owned = ControllerRefClaim
			.claim(d, selector, this.replicaSetCandidates.of(d), this.canAdopt,
					this.writes::patchReplicaSetOwnerReferences)
			.stream()
			.map(DeploymentUtil::copy)
			.toList();
		Rollout rollout = new Rollout(d, owned, this.writes, this.replicaSets, this.events, this.clock);
		if (d.getMetadata().getDeletionTimestamp() != null) {
			Rollout.ReplicaSets sets = rollout.replicaSetsAndSyncRevision(false);
			rollout.syncStatus(sets.all(), sets.newRS());
			return Result.done();
		}
		checkPausedConditions(rollout);
		boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
		if (paused || isScalingEvent(rollout)) {
			Rollout.ReplicaSets sets = rollout.replicaSetsAndSyncRevision(false);
			ProportionalScaling.scale(rollout, sets.newRS(), sets.oldRSs());
			// Re-read what scaling wrote, for an accurate status.
			sets = rollout.replicaSetsAndSyncRevision(false);
			if (paused) {
				rollout.cleanup(sets.oldRSs());
			}
			rollout.syncStatus(sets.all(), sets.newRS());
		}
		else if (!Fenceposts.isRollingUpdate(d)) {
			Recreate.rollout(rollout, podsByReplicaSet(d, owned));
		}
		else {
			RollingUpdate.rollout(rollout);
		}
		return rollout.requeueAfter() == null ? Result.done() : Result.requeueAfter(rollout.requeueAfter());
	}

	/**
	 * Kubernetes' {@code isScalingEvent}: an active ReplicaSet whose desired-replicas
	 * annotation differs from the Deployment's replicas means the user scaled.
	 */
	private static boolean isScalingEvent(Rollout rollout) {
		Rollout.ReplicaSets sets = rollout.replicaSetsAndSyncRevision(false);
		int desired = DeploymentUtil.replicas(rollout.deployment());
		for (ReplicaSet rs : DeploymentUtil.filterActive(sets.all())) {
			Integer annotated = DeploymentUtil.desiredReplicasAnnotation(rs);
			if (annotated != null && annotated != desired) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Kubernetes' {@code checkPausedConditions}: Progressing=Unknown DeploymentPaused
	 * while paused, DeploymentResumed after; a timed-out rollout keeps saying so.
	 */
	private static void checkPausedConditions(Rollout rollout) {
		Deployment d = rollout.deployment();
		if (!DeploymentConditions.hasProgressDeadline(d)) {
			return;
		}
		DeploymentCondition current = DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
		if (current != null && DeploymentConditions.TIMED_OUT.equals(current.getReason())) {
			return;
		}
		boolean pausedConditionExists = current != null && DeploymentConditions.PAUSED.equals(current.getReason());
		boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
		if (paused && !pausedConditionExists) {
			DeploymentConditions.set(d.getStatus(), DeploymentConditions.condition(DeploymentConditions.PROGRESSING,
					"Unknown", DeploymentConditions.PAUSED, "Deployment is paused", rollout.now()));
		}
		else if (!paused && pausedConditionExists) {
			DeploymentConditions.set(d.getStatus(), DeploymentConditions.condition(DeploymentConditions.PROGRESSING,
					"Unknown", DeploymentConditions.RESUMED, "Deployment is resumed", rollout.now()));
		}
	}

	private Map<String, List<Pod>> podsByReplicaSet(Deployment d, List<ReplicaSet> owned) {
		// By controllerRef through the index, as Kubernetes does, not a scan of the
		// namespace's pods.
		Map<String, List<Pod>> byUid = new HashMap<>();
		owned.forEach(
				rs -> byUid.put(rs.getMetadata().getUid(), this.podsControlledBy.apply(rs.getMetadata().getUid())));
		return byUid;
	}

	private static boolean isEmpty(java.util.Collection<?> values) {
		return values == null || values.isEmpty();
	}

	private static boolean isEmpty(Map<?, ?> values) {
		return values == null || values.isEmpty();
	}

}
