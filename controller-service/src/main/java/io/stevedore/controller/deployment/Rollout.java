package io.stevedore.controller.deployment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of one Deployment (the state Kubernetes' {@code syncDeployment} threads
 * through its helpers): a working copy of the Deployment, the ReplicaSets it owns, and
 * the writes that keep revisions, replica counts and status in step. The strategies
 * ({@link RollingUpdate}, {@link Recreate}) and {@link ProportionalScaling} act through
 * it. Not thread-safe: lives for one sync.
 */
final class Rollout {

	private static final Logger log = LoggerFactory.getLogger(Rollout.class);

	private final DeploymentWrites writes;

	private final CacheLister<ReplicaSet> replicaSets;

	private final EventRecorder events;

	private final Clock clock;

	/** The working copy; its status is what this sync has decided so far. */
	private Deployment deployment;

	private final DeploymentStatus cachedStatus;

	private final List<ReplicaSet> owned;

	private Duration requeueAfter;

	Rollout(Deployment deployment, List<ReplicaSet> owned, DeploymentWrites writes, CacheLister<ReplicaSet> replicaSets,
			EventRecorder events, Clock clock) {
		this.events = events;
		this.deployment = deployment;
		this.cachedStatus = deployment.getStatus() == null ? new DeploymentStatus()
				: DeploymentUtil.copy(deployment.getStatus());
		if (deployment.getStatus() == null) {
			deployment.setStatus(new DeploymentStatus());
		}
		if (deployment.getStatus().getConditions() == null) {
			deployment.getStatus().setConditions(new ArrayList<>());
		}
		this.owned = new ArrayList<>(owned);
		this.writes = writes;
		this.replicaSets = replicaSets;
		this.clock = clock;
	}

	Deployment deployment() {
		return this.deployment;
	}

	Instant now() {
		return this.clock.instant();
	}

	Duration requeueAfter() {
		return this.requeueAfter;
	}

	/** The ReplicaSets of the Deployment: the new one (or null) and the others. */
	record ReplicaSets(ReplicaSet newRS, List<ReplicaSet> oldRSs) {

		List<ReplicaSet> all() {
			return DeploymentUtil.with(this.oldRSs, this.newRS);
		}

	}

	/**
	 * Kubernetes' {@code getAllReplicaSetsAndSyncRevision}: finds the new ReplicaSet
	 * (creating it when asked and missing), brings its revision past every old one, and
	 * records that revision on the Deployment.
	 */
	ReplicaSets replicaSetsAndSyncRevision(boolean createIfMissing) {
		Deployment d = this.deployment;
		ReplicaSet existing = DeploymentUtil.findNewReplicaSet(d, this.owned);
		List<ReplicaSet> olds = new ArrayList<>(this.owned);
		if (existing != null) {
			olds.remove(existing);
		}
		long newRevision = DeploymentUtil.maxRevision(olds) + 1;
		ReplicaSet newRS = existing != null ? syncExistingNewReplicaSet(existing, newRevision)
				: createIfMissing ? createNewReplicaSet(olds, newRevision) : null;
		return new ReplicaSets(newRS, olds);
	}

	private ReplicaSet syncExistingNewReplicaSet(ReplicaSet existing, long newRevision) {
		Deployment d = this.deployment;
		ReplicaSet copy = DeploymentUtil.copy(existing);
		boolean annotationsUpdated = DeploymentUtil.setNewReplicaSetAnnotations(d, copy, newRevision, true);
		Integer minReadySeconds = d.getSpec().getMinReadySeconds() == null ? 0 : d.getSpec().getMinReadySeconds();
		boolean minReadyChanged = !minReadySeconds
			.equals(copy.getSpec().getMinReadySeconds() == null ? 0 : copy.getSpec().getMinReadySeconds());
		ReplicaSet result = existing;
		if (annotationsUpdated || minReadyChanged) {
			copy.getSpec().setMinReadySeconds(minReadySeconds);
			result = replace(existing, this.writes.updateReplicaSet(copy));
		}
		setDeploymentRevision(result.getMetadata().getAnnotations().get(DeploymentUtil.REVISION));
		if (DeploymentConditions.hasProgressDeadline(d)
				&& DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING) == null) {
			DeploymentConditions.set(d.getStatus(),
					DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
							DeploymentConditions.FOUND_NEW_RS,
							"Found new replica set \"" + result.getMetadata().getName() + "\"", now()));
		}
		return result;
	}

	private ReplicaSet createNewReplicaSet(List<ReplicaSet> olds, long newRevision) {
		Deployment d = this.deployment;
		Integer collisionCount = d.getStatus().getCollisionCount();
		String hash = DeploymentUtil.computeHash(d.getSpec().getTemplate(), collisionCount);
		PodTemplateSpec template = DeploymentUtil.copy(d.getSpec().getTemplate());
		Map<String, String> labels = template.getMetadata().getLabels() == null ? new HashMap<>()
				: new HashMap<>(template.getMetadata().getLabels());
		labels.put(DeploymentUtil.POD_TEMPLATE_HASH, hash);
		template.getMetadata().setLabels(labels);
		LabelSelector selector = DeploymentUtil.copy(d.getSpec().getSelector());
		Map<String, String> matchLabels = selector.getMatchLabels() == null ? new HashMap<>()
				: new HashMap<>(selector.getMatchLabels());
		matchLabels.put(DeploymentUtil.POD_TEMPLATE_HASH, hash);
		selector.setMatchLabels(matchLabels);
		ReplicaSet newRS = new ReplicaSetBuilder().withNewMetadata()
			.withName(d.getMetadata().getName() + "-" + hash)
			.withNamespace(d.getMetadata().getNamespace())
			.withLabels(labels)
			.withOwnerReferences(ControllerRefs.of(d))
			.endMetadata()
			.withNewSpec()
			.withReplicas(0)
			.withMinReadySeconds(d.getSpec().getMinReadySeconds() == null ? 0 : d.getSpec().getMinReadySeconds())
			.withSelector(selector)
			.withTemplate(template)
			.endSpec()
			.build();
		newRS.getSpec().setReplicas(DeploymentUtil.newRSNewReplicas(d, DeploymentUtil.with(olds, newRS), newRS));
		DeploymentUtil.setNewReplicaSetAnnotations(d, newRS, newRevision, false);
		ReplicaSet created;
		boolean alreadyExisted = false;
		try {
			created = this.writes.createReplicaSet(newRS);
		}
		catch (KubernetesClientException ex) {
			if (ex.getCode() == 409) {
				ReplicaSet found = this.replicaSets.get(d.getMetadata().getNamespace(), newRS.getMetadata().getName());
				if (found != null && ControllerRefs.isControlledBy(found, d.getMetadata().getUid())
						&& DeploymentUtil.equalIgnoringHash(found.getSpec().getTemplate(), d.getSpec().getTemplate())) {
					created = found;
					alreadyExisted = true;
				}
				else {
					// Another template hashed to the same name: a new collision count
					// gives
					// a new name on the next sync.
					d.getStatus().setCollisionCount(collisionCount == null ? 1 : collisionCount + 1);
					writeStatus(d.getStatus());
					throw new IllegalStateException("hash collision for ReplicaSet " + newRS.getMetadata().getName()
							+ " of deployment " + d.getMetadata().getName() + ", collisionCount now "
							+ d.getStatus().getCollisionCount(), ex);
				}
			}
			else {
				if (DeploymentConditions.hasProgressDeadline(d)) {
					DeploymentConditions.set(d.getStatus(),
							DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "False",
									DeploymentConditions.RS_CREATE_ERROR, "Failed to create new replica set \""
											+ newRS.getMetadata().getName() + "\": " + ex.getMessage(),
									now()));
					writeStatus(d.getStatus());
				}
				throw ex;
			}
		}
		if (!alreadyExisted) {
			this.owned.add(created);
			if (DeploymentUtil.replicas(created) > 0) {
				this.events.event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled up replica set "
						+ created.getMetadata().getName() + " from 0 to " + DeploymentUtil.replicas(created));
			}
		}
		setDeploymentRevision(Long.toString(newRevision));
		if (!alreadyExisted && DeploymentConditions.hasProgressDeadline(d)) {
			DeploymentConditions.set(d.getStatus(),
					DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
							DeploymentConditions.NEW_RS_CREATED,
							"Created new replica set \"" + created.getMetadata().getName() + "\"", now()));
		}
		return created;
	}

	/**
	 * The revision annotation is metadata: written through the main resource at once (the
	 * status subresource ignores metadata), keeping this sync's status.
	 */
	private void setDeploymentRevision(String revision) {
		Deployment copy = DeploymentUtil.copy(this.deployment);
		if (!DeploymentUtil.setDeploymentRevision(copy, revision)) {
			return;
		}
		DeploymentStatus working = this.deployment.getStatus();
		Deployment updated = this.writes.updateDeployment(copy);
		this.deployment.setMetadata(updated.getMetadata());
		this.deployment.setStatus(working);
	}

	/**
	 * Kubernetes' {@code scaleReplicaSet}: sets the size and the replica annotations.
	 * @return the ReplicaSet as it is now
	 */
	ReplicaSet scale(ReplicaSet rs, int newScale) {
		Deployment d = this.deployment;
		int desired = DeploymentUtil.replicas(d);
		int max = desired + Fenceposts.maxSurge(d);
		boolean sizeChanges = DeploymentUtil.replicas(rs) != newScale;
		if (!sizeChanges && !DeploymentUtil.replicasAnnotationsNeedUpdate(rs, desired, max)) {
			return rs;
		}
		ReplicaSet copy = DeploymentUtil.copy(rs);
		copy.getSpec().setReplicas(newScale);
		DeploymentUtil.setReplicasAnnotations(copy, desired, max);
		ReplicaSet updated = replace(rs, this.writes.updateReplicaSet(copy));
		if (sizeChanges) {
			String direction = newScale > DeploymentUtil.replicas(rs) ? "up" : "down";
			this.events.event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled " + direction + " replica set "
					+ rs.getMetadata().getName() + " from " + DeploymentUtil.replicas(rs) + " to " + newScale);
		}
		return updated;
	}

	private ReplicaSet replace(ReplicaSet old, ReplicaSet updated) {
		int index = this.owned.indexOf(old);
		if (index >= 0) {
			this.owned.set(index, updated);
		}
		return updated;
	}

	/**
	 * Kubernetes' {@code cleanupDeployment}: deletes the oldest scaled-down ReplicaSets
	 * beyond revisionHistoryLimit.
	 */
	void cleanup(List<ReplicaSet> oldRSs) {
		Integer limit = this.deployment.getSpec().getRevisionHistoryLimit();
		if (limit == null) {
			return;
		}
		List<ReplicaSet> cleanable = new ArrayList<>(
				oldRSs.stream().filter(rs -> rs.getMetadata().getDeletionTimestamp() == null).toList());
		int diff = cleanable.size() - limit;
		if (diff <= 0) {
			return;
		}
		cleanable.sort(java.util.Comparator.comparingLong(DeploymentUtil::revision)
			.thenComparing(DeploymentUtil.OLDEST_FIRST));
		for (int i = 0; i < diff; i++) {
			ReplicaSet rs = cleanable.get(i);
			long observed = rs.getStatus() == null ? 0 : DeploymentConditions.n(rs.getStatus().getObservedGeneration());
			if (DeploymentUtil.actualReplicas(List.of(rs)) != 0 || DeploymentUtil.replicas(rs) != 0
					|| DeploymentConditions.n(rs.getMetadata().getGeneration()) > observed) {
				continue;
			}
			log.info("deleting old replica set ns={} deployment={} replicaset={} revision={}",
					rs.getMetadata().getNamespace(), this.deployment.getMetadata().getName(),
					rs.getMetadata().getName(), DeploymentUtil.revision(rs));
			this.writes.deleteReplicaSet(rs);
		}
	}

	/**
	 * Kubernetes' {@code calculateStatus}: counts from the ReplicaSets, and the Available
	 * condition (at least replicas minus maxUnavailable available).
	 */
	DeploymentStatus calculateStatus(List<ReplicaSet> all, ReplicaSet newRS) {
		Deployment d = this.deployment;
		int available = DeploymentUtil.availableReplicas(all);
		int total = DeploymentUtil.specReplicas(all);
		DeploymentStatus status = new DeploymentStatus();
		status.setObservedGeneration(d.getMetadata().getGeneration());
		status.setReplicas(DeploymentUtil.actualReplicas(all));
		status.setUpdatedReplicas(newRS == null ? 0 : DeploymentUtil.actualReplicas(List.of(newRS)));
		status.setReadyReplicas(DeploymentUtil.readyReplicas(all));
		status.setAvailableReplicas(available);
		status.setUnavailableReplicas(Math.max(0, total - available));
		status.setCollisionCount(d.getStatus().getCollisionCount());
		List<DeploymentCondition> conditions = new ArrayList<>();
		d.getStatus().getConditions().forEach(c -> conditions.add(DeploymentUtil.copy(c)));
		status.setConditions(conditions);
		if (available >= DeploymentUtil.replicas(d) - Fenceposts.maxUnavailable(d)) {
			DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.AVAILABLE, "True",
					DeploymentConditions.MIN_AVAILABLE, "Deployment has minimum availability.", now()));
		}
		else {
			DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.AVAILABLE, "False",
					DeploymentConditions.MIN_UNAVAILABLE, "Deployment does not have minimum availability.", now()));
		}
		return status;
	}

	/** Kubernetes' {@code syncDeploymentStatus}: status only, no progress judgement. */
	void syncStatus(List<ReplicaSet> all, ReplicaSet newRS) {
		DeploymentStatus status = calculateStatus(all, newRS);
		writeStatus(status);
	}

	/**
	 * Kubernetes' {@code syncRolloutStatus}: the status plus the Progressing condition:
	 * NewReplicaSetAvailable once complete, ReplicaSetUpdated while pods move,
	 * ProgressDeadlineExceeded when they stopped moving for progressDeadlineSeconds.
	 */
	void syncRolloutStatus(List<ReplicaSet> all, ReplicaSet newRS) {
		Deployment d = this.deployment;
		DeploymentStatus status = calculateStatus(all, newRS);
		if (!DeploymentConditions.hasProgressDeadline(d)) {
			DeploymentConditions.remove(status, DeploymentConditions.PROGRESSING);
		}
		DeploymentCondition current = DeploymentConditions.get(d.getStatus(), DeploymentConditions.PROGRESSING);
		boolean alreadyComplete = DeploymentConditions.n(status.getReplicas()) == DeploymentConditions
			.n(status.getUpdatedReplicas()) && current != null
				&& DeploymentConditions.NEW_RS_AVAILABLE.equals(current.getReason());
		if (DeploymentConditions.hasProgressDeadline(d) && !alreadyComplete) {
			String rsName = newRS == null ? "" : newRS.getMetadata().getName();
			if (DeploymentConditions.complete(d, status)) {
				DeploymentConditions.set(status,
						DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
								DeploymentConditions.NEW_RS_AVAILABLE,
								"ReplicaSet \"" + rsName + "\" has successfully progressed.", now()));
			}
			else if (DeploymentConditions.progressing(d, status)) {
				DeploymentCondition condition = DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
						DeploymentConditions.RS_UPDATED, "ReplicaSet \"" + rsName + "\" is progressing.", now());
				if (current != null) {
					if ("True".equals(current.getStatus())) {
						condition.setLastTransitionTime(current.getLastTransitionTime());
					}
					DeploymentConditions.remove(status, DeploymentConditions.PROGRESSING);
				}
				DeploymentConditions.set(status, condition);
			}
			else if (DeploymentConditions.timedOut(d, status, now())) {
				DeploymentConditions.set(status,
						DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "False",
								DeploymentConditions.TIMED_OUT,
								"ReplicaSet \"" + rsName + "\" has timed out progressing.", now()));
			}
		}
		// Carry the ReplicaSet's ReplicaFailure (quota, invalid pods) up, as Kubernetes.
		ReplicaSetFailure.copyFrom(all, status);
		writeStatus(status);
		requeueIfStuck(status);
	}

	/**
	 * Kubernetes' {@code requeueStuckDeployment}: nothing else wakes the controller when
	 * a rollout stops moving, so look again when its deadline passes.
	 */
	private void requeueIfStuck(DeploymentStatus status) {
		Deployment d = this.deployment;
		DeploymentCondition current = DeploymentConditions.get(status, DeploymentConditions.PROGRESSING);
		if (current == null || !DeploymentConditions.hasProgressDeadline(d) || DeploymentConditions.complete(d, status)
				|| DeploymentConditions.TIMED_OUT.equals(current.getReason())
				|| DeploymentConditions.NEW_RS_AVAILABLE.equals(current.getReason())
				|| current.getLastUpdateTime() == null) {
			return;
		}
		Instant after = Instant.parse(current.getLastUpdateTime())
			.plusSeconds(d.getSpec().getProgressDeadlineSeconds());
		Duration wait = Duration.between(now(), after);
		this.requeueAfter = wait.isNegative() ? Duration.ZERO : wait.plusSeconds(1);
	}

	/** Writes the status when it differs from what the cache held. */
	void writeStatus(DeploymentStatus status) {
		this.deployment.setStatus(status);
		if (sameStatus(this.cachedStatus, status)) {
			return;
		}
		Deployment updated = this.writes.updateDeploymentStatus(this.deployment);
		if (updated != null) {
			this.deployment.setMetadata(updated.getMetadata());
		}
		this.cachedStatus.setConditions(status.getConditions());
		copyInto(status, this.cachedStatus);
	}

	private static void copyInto(DeploymentStatus from, DeploymentStatus to) {
		DeploymentStatus copy = DeploymentUtil.copy(from);
		to.setObservedGeneration(copy.getObservedGeneration());
		to.setReplicas(copy.getReplicas());
		to.setUpdatedReplicas(copy.getUpdatedReplicas());
		to.setReadyReplicas(copy.getReadyReplicas());
		to.setAvailableReplicas(copy.getAvailableReplicas());
		to.setUnavailableReplicas(copy.getUnavailableReplicas());
		to.setCollisionCount(copy.getCollisionCount());
		to.setConditions(copy.getConditions());
	}

	/** Equal but for zero counts the API leaves out. */
	static boolean sameStatus(DeploymentStatus a, DeploymentStatus b) {
		return normalized(Serialization.jsonMapper().valueToTree(a))
			.equals(normalized(Serialization.jsonMapper().valueToTree(b)));
	}

	private static JsonNode normalized(JsonNode node) {
		if (node.isObject()) {
			var object = (com.fasterxml.jackson.databind.node.ObjectNode) node.deepCopy();
			List<String> drop = new ArrayList<>();
			object.fields().forEachRemaining(e -> {
				JsonNode value = e.getValue();
				if (value.isNull() || (value.isNumber() && value.asLong() == 0)
						|| (value.isContainerNode() && value.isEmpty())) {
					drop.add(e.getKey());
				}
			});
			object.remove(drop);
			return object;
		}
		return node;
	}

}
