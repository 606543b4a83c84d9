package io.stevedore.controller.statefulset;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.EventRecorder;
import io.stevedore.controller.workload.CanAdopt;
import io.stevedore.controller.workload.ClaimCandidates;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerHistory;
import io.stevedore.controller.workload.ControllerRefClaim;
import io.stevedore.controller.workload.ControllerRefs;
import io.stevedore.controller.workload.OwnerSelector;
import io.stevedore.controller.workload.PodStates;
import io.stevedore.controller.workload.RevisionWriter;
import io.stevedore.machinery.selectors.LabelSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StatefulSet controller's sync (pkg/controller/statefulset
 * {@code updateStatefulSet}): orphan ControllerRevisions and pods adopted, pods that
 * stopped matching released ({@link ControllerRefClaim}); the template's
 * ControllerRevision; pods {@code <set>-0 .. <set>-(replicas-1)} with their claims, one
 * at a time in ordinal order waiting for each to be Running and Ready (OrderedReady) or
 * all at once (Parallel); surplus ordinals deleted highest first; with RollingUpdate, the
 * highest ordinal at or above the partition still on an old revision deleted, one at a
 * time, so it comes back on the new one; OnDelete leaves that to the user. A pod below
 * the partition that is recreated gets the current revision's template back.
 */
final class StatefulSetSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(StatefulSetSync.class);

	private final Function<String, StatefulSet> sets;

	/** The set's pods and the orphans of its namespace. */
	private final ClaimCandidates<Pod> pods;

	/** The set's ControllerRevisions and the orphans of its namespace. */
	private final ClaimCandidates<ControllerRevision> revisions;

	private final StatefulSetControl control;

	private final ControllerExpectations expectations;

	private final Clock clock;

	private final CanAdopt canAdopt;

	private final RevisionWriter revisionWriter;

	private final EventRecorder events;

	StatefulSetSync(Function<String, StatefulSet> sets, ClaimCandidates<Pod> pods,
			ClaimCandidates<ControllerRevision> revisions, StatefulSetControl control, RevisionWriter revisionWriter,
			ControllerExpectations expectations, Clock clock, CanAdopt canAdopt, EventRecorder events) {
		this.events = events;
		this.sets = sets;
		this.pods = pods;
		this.revisions = revisions;
		this.revisionWriter = revisionWriter;
		this.canAdopt = canAdopt;
		this.control = control;
		this.expectations = expectations;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) {
		StatefulSet cached = this.sets.apply(key);
		if (cached == null) {
			this.expectations.forget(key);
			return Result.done();
		}
		if (cached.getMetadata().getDeletionTimestamp() != null) {
			return Result.done();
		}
		LabelSelector selector = OwnerSelector.parse(cached, cached.getSpec().getSelector());
		if (selector == null) {
			return Result.done();
		}
		// Kubernetes' adoptOrphanRevisions: orphan revisions the selector matches are
		// adopted; the set's own are kept whatever their labels (never released).
		String uid = cached.getMetadata().getUid();
		List<ControllerRevision> revisions = ControllerRefClaim.claim(cached,
				(revision) -> ControllerRefs.isControlledBy(revision, uid)
						|| ControllerRefClaim.selects(selector, revision),
				this.revisions.of(cached), this.canAdopt, this.control::patchOwnerReferences);
		// Kubernetes' getPodsForStatefulSet: a pod is the set's when the selector
		// matches and its name is <set>-<ordinal>; others are released.
		List<Pod> claimed = ControllerRefClaim.claim(cached,
				(pod) -> ControllerRefClaim.selects(selector, pod) && StatefulPods.ordinalOf(cached, pod) >= 0,
				this.pods.of(cached), this.canAdopt, this.control::patchOwnerReferences);
		StatefulSet set = Serialization.clone(cached);
		StatefulSetStatus status = set.getStatus() == null ? new StatefulSetStatus() : set.getStatus();
		StatefulSetStatus before = Serialization.clone(status);
		ControllerHistory.Revisions history = ControllerHistory.sync(set, set.getSpec().getTemplate(),
				status.getCollisionCount(), revisions, null, this.revisionWriter);
		if (history == null) {
			// Kubernetes' hash collision: a new collisionCount gives a new name;
			// the status write brings the set back.
			status.setCollisionCount(status.getCollisionCount() == null ? 1 : status.getCollisionCount() + 1);
			set.setStatus(status);
			this.control.updateStatus(set);
			return Result.done();
		}
		String updateRevision = history.current().getMetadata().getName();
		String currentRevision = status.getCurrentRevision() == null ? updateRevision : status.getCurrentRevision();
		PodTemplateSpec currentTemplate = revisions.stream()
			.filter(r -> currentRevision.equals(r.getMetadata().getName()))
			.map(ControllerHistory::templateOf)
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(set.getSpec().getTemplate());

		int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
		boolean parallel = "Parallel".equals(set.getSpec().getPodManagementPolicy());
		int partition = partition(set);
		Map<Integer, Pod> pods = new TreeMap<>();
		List<Pod> condemned = new ArrayList<>();
		for (Pod pod : claimed) {
			int ordinal = StatefulPods.ordinalOf(set, pod);
			if (ordinal < 0) {
				continue;
			}
			if (ordinal < replicas) {
				pods.put(ordinal, pod);
			}
			else {
				condemned.add(pod);
			}
		}

		if (this.expectations.satisfied(key)) {
			act(key, set, pods, condemned, replicas, parallel, partition, updateRevision, currentRevision,
					currentTemplate);
		}

		int ready = 0;
		int available = 0;
		int current = 0;
		int updated = 0;
		int existing = 0;
		int minReady = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
		for (Pod pod : pods.values()) {
			existing++;
			if (PodStates.isReady(pod)) {
				ready++;
			}
			if (PodStates.isAvailable(pod, minReady, this.clock)) {
				available++;
			}
			String revision = StatefulPods.revisionOf(pod);
			if (currentRevision.equals(revision)) {
				current++;
			}
			if (updateRevision.equals(revision)) {
				updated++;
			}
		}
		status.setReplicas(existing + condemned.size());
		status.setReadyReplicas(ready);
		status.setAvailableReplicas(available);
		status.setUpdatedReplicas(updated);
		status.setUpdateRevision(updateRevision);
		// The update is done once every replica runs the new revision.
		if (updated == replicas && ready == replicas && condemned.isEmpty()) {
			status.setCurrentRevision(updateRevision);
			status.setCurrentReplicas(updated);
		}
		else {
			status.setCurrentRevision(currentRevision);
			status.setCurrentReplicas(current);
		}
		status.setObservedGeneration(set.getMetadata().getGeneration());
		if (status.getCollisionCount() == null) {
			status.setCollisionCount(0);
		}
		if (!Objects.equals(before, status)) {
			set.setStatus(status);
			this.control.updateStatus(set);
		}
		truncateHistory(set, history, claimed, status.getCurrentRevision());
		return Result.done();
	}

	/**
	 * Kubernetes' {@code truncateHistory}: old revisions beyond revisionHistoryLimit
	 * (default 10) go, oldest first; the current and update revisions and those a pod
	 * runs (its label is the revision's name) stay.
	 */
	private void truncateHistory(StatefulSet set, ControllerHistory.Revisions history, List<Pod> pods,
			String currentRevision) {
		Set<String> live = new HashSet<>();
		live.add(currentRevision);
		for (Pod pod : pods) {
			String revision = StatefulPods.revisionOf(pod);
			if (revision != null) {
				live.add(revision);
			}
		}
		Integer limit = set.getSpec().getRevisionHistoryLimit();
		List<ControllerRevision> old = history.old()
			.stream()
			.filter(r -> !live.contains(r.getMetadata().getName()))
			.toList();
		for (ControllerRevision revision : ControllerHistory.surplus(old, limit == null ? 10 : limit, live)) {
			this.revisionWriter.deleteRevision(revision);
		}
	}

	private void act(String key, StatefulSet set, Map<Integer, Pod> pods, List<Pod> condemned, int replicas,
			boolean parallel, int partition, String updateRevision, String currentRevision,
			PodTemplateSpec currentTemplate) {
		// Scale up and repair, lowest ordinal first.
		for (int ordinal = 0; ordinal < replicas; ordinal++) {
			Pod pod = pods.get(ordinal);
			if (pod == null) {
				boolean old = ordinal < partition && !currentRevision.equals(updateRevision);
				Pod created = StatefulPods.newPod(set, old ? currentTemplate : set.getSpec().getTemplate(),
						old ? currentRevision : updateRevision, ordinal);
				for (var claim : StatefulPods.claims(set, ordinal)) {
					createClaim(set, created, claim);
				}
				this.expectations.expect(key, 1, 0);
				try {
					this.control.createPod(created);
					podEvent(set, "create", created, null);
				}
				catch (RuntimeException ex) {
					this.expectations.creationObserved(key);
					podEvent(set, "create", created, ex);
					throw ex;
				}
				log.info("created stateful pod ns={} pod={}", set.getMetadata().getNamespace(),
						created.getMetadata().getName());
				if (!parallel) {
					return;
				}
				continue;
			}
			if ("Failed".equals(PodStates.phase(pod)) && !PodStates.isTerminating(pod)) {
				delete(key, set, pod);
				if (!parallel) {
					return;
				}
				continue;
			}
			if (!parallel && (PodStates.isTerminating(pod) || !isRunningAndReady(pod))) {
				return;
			}
		}
		// Scale down, highest ordinal first.
		condemned.sort((a, b) -> StatefulPods.ordinalOf(set, b) - StatefulPods.ordinalOf(set, a));
		for (Pod pod : condemned) {
			if (PodStates.isTerminating(pod)) {
				if (!parallel) {
					return;
				}
				continue;
			}
			delete(key, set, pod);
			if (!parallel) {
				return;
			}
		}
		if (!condemned.isEmpty()) {
			return;
		}
		// Rolling update: one pod at a time, from the highest ordinal down to the
		// partition.
		if (set.getSpec().getUpdateStrategy() != null
				&& "OnDelete".equals(set.getSpec().getUpdateStrategy().getType())) {
			return;
		}
		for (int ordinal = replicas - 1; ordinal >= partition; ordinal--) {
			Pod pod = pods.get(ordinal);
			if (pod == null || PodStates.isTerminating(pod) || !isRunningAndReady(pod)) {
				return;
			}
			if (!updateRevision.equals(StatefulPods.revisionOf(pod))) {
				log.info("rolling update deleting ns={} pod={} revision={}", set.getMetadata().getNamespace(),
						pod.getMetadata().getName(), updateRevision);
				delete(key, set, pod);
				return;
			}
		}
	}

	private void delete(String key, StatefulSet set, Pod pod) {
		this.expectations.expect(key, 0, 1);
		try {
			this.control.deletePod(pod);
			podEvent(set, "delete", pod, null);
		}
		catch (RuntimeException ex) {
			this.expectations.deletionObserved(key);
			podEvent(set, "delete", pod, ex);
			throw ex;
		}
	}

	private void createClaim(StatefulSet set, Pod pod, io.fabric8.kubernetes.api.model.PersistentVolumeClaim claim) {
		String what = "create Claim " + claim.getMetadata().getName() + " Pod " + pod.getMetadata().getName()
				+ " in StatefulSet " + set.getMetadata().getName();
		try {
			if (this.control.createClaimIfAbsent(claim)) {
				this.events.event(set, EventRecorder.NORMAL, "SuccessfulCreate", what + " success");
			}
		}
		catch (RuntimeException ex) {
			this.events.event(set, EventRecorder.WARNING, "FailedCreate", what + " failed error: " + ex.getMessage());
			throw ex;
		}
	}

	/**
	 * Kubernetes' recordPodEvent: "create Pod web-0 in StatefulSet web successful", or "…
	 * failed error: …" as a Warning.
	 */
	private void podEvent(StatefulSet set, String verb, Pod pod, RuntimeException failure) {
		String title = Character.toUpperCase(verb.charAt(0)) + verb.substring(1);
		String what = verb + " Pod " + pod.getMetadata().getName() + " in StatefulSet " + set.getMetadata().getName();
		if (failure == null) {
			this.events.event(set, EventRecorder.NORMAL, "Successful" + title, what + " successful");
		}
		else {
			this.events.event(set, EventRecorder.WARNING, "Failed" + title,
					what + " failed error: " + failure.getMessage());
		}
	}

	private static boolean isRunningAndReady(Pod pod) {
		return "Running".equals(PodStates.phase(pod)) && PodStates.isReady(pod);
	}

	private static int partition(StatefulSet set) {
		if (set.getSpec().getUpdateStrategy() == null || set.getSpec().getUpdateStrategy().getRollingUpdate() == null
				|| set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition() == null) {
			return 0;
		}
		return set.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();
	}

}
