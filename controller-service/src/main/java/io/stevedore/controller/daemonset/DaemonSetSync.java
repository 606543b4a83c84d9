package io.stevedore.controller.daemonset;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.EventRecorder;
import io.stevedore.controller.workload.CanAdopt;
import io.stevedore.controller.workload.ClaimCandidates;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerHistory;
import io.stevedore.controller.workload.ControllerRefClaim;
import io.stevedore.controller.workload.OwnerSelector;
import io.stevedore.controller.workload.PodStates;
import io.stevedore.controller.workload.RevisionWriter;
import io.stevedore.machinery.selectors.LabelSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DaemonSet controller's sync (pkg/controller/daemon {@code syncDaemonSet} and
 * {@code rollingUpdate}): claims the pods its selector matches
 * ({@link ControllerRefClaim}: orphans adopted, its pods that stopped matching released);
 * one pod on every node the pod fits, none elsewhere; failed pods replaced; with
 * RollingUpdate, pods of an old template deleted (and recreated by the next pass) while
 * no more than maxUnavailable nodes lack an available pod; with OnDelete, old pods stay
 * until someone deletes them. Then the status numbers.
 */
final class DaemonSetSync implements Reconciler {

	private static final Logger log = LoggerFactory.getLogger(DaemonSetSync.class);

	private final Function<String, DaemonSet> daemonSets;

	private final Supplier<List<Node>> nodes;

	/** The DaemonSet's pods and the orphans of its namespace. */
	private final ClaimCandidates<Pod> pods;

	private final DaemonSetControl control;

	private final ControllerExpectations expectations;

	private final Clock clock;

	private final CanAdopt canAdopt;

	/** The DaemonSet's ControllerRevisions and the orphans of its namespace. */
	private final ClaimCandidates<ControllerRevision> revisions;

	private final RevisionWriter revisionWriter;

	private final EventRecorder events;

	DaemonSetSync(Function<String, DaemonSet> daemonSets, Supplier<List<Node>> nodes, ClaimCandidates<Pod> pods,
			ClaimCandidates<ControllerRevision> revisions, DaemonSetControl control, RevisionWriter revisionWriter,
			ControllerExpectations expectations, Clock clock, CanAdopt canAdopt, EventRecorder events) {
		this.events = events;
		this.daemonSets = daemonSets;
		this.nodes = nodes;
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
		DaemonSet cached = this.daemonSets.apply(key);
		if (cached == null) {
			this.expectations.forget(key);
			return Result.done();
		}
		LabelSelector selector = OwnerSelector.parse(cached, cached.getSpec().getSelector());
		if (selector == null) {
			return Result.done();
		}
		// Kubernetes' getDaemonPods: adopt matching orphans, release pods that stopped
		// matching, before the pods are mapped to nodes.
		List<Pod> claimed = ControllerRefClaim.claim(cached, selector, this.pods.of(cached), this.canAdopt,
				this.control::patchOwnerReferences);
		if (cached.getMetadata().getDeletionTimestamp() != null) {
			// Kubernetes leaves a DaemonSet being deleted to the garbage collector.
			return Result.done();
		}
		// Kubernetes' controlledHistories: revisions are claimed by selector like pods.
		List<ControllerRevision> revisions = ControllerRefClaim.claim(cached, selector, this.revisions.of(cached),
				this.canAdopt, this.control::patchOwnerReferences);
		DaemonSet ds = Serialization.clone(cached);
		ControllerHistory.Revisions history = ControllerHistory.sync(ds, ds.getSpec().getTemplate(),
				ds.getStatus() == null ? null : ds.getStatus().getCollisionCount(), revisions,
				ds.getMetadata().getAnnotations(), this.revisionWriter);
		if (history == null) {
			return collided(ds);
		}
		String hash = history.hash();
		dedup(history, claimed, hash);
		PodSpec wanted = Serialization.clone(ds.getSpec().getTemplate().getSpec());
		DaemonPods.addDefaultTolerations(wanted);
		int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();

		Map<String, List<Pod>> byNode = new HashMap<>();
		for (Pod pod : claimed) {
			if (PodStates.isTerminating(pod)) {
				continue;
			}
			String node = DaemonPods.nodeOf(pod);
			if (node != null) {
				byNode.computeIfAbsent(node, (n) -> new ArrayList<>()).add(pod);
			}
		}

		List<Pod> toCreate = new ArrayList<>();
		List<Pod> toDelete = new ArrayList<>();
		List<Pod> current = new ArrayList<>();
		int desired = 0;
		int scheduled = 0;
		int misscheduled = 0;
		int ready = 0;
		int available = 0;
		int updated = 0;
		List<String> liveNodes = new ArrayList<>();
		for (Node node : this.nodes.get()) {
			String name = node.getMetadata().getName();
			liveNodes.add(name);
			NodeEligibility.Verdict verdict = NodeEligibility.of(node, wanted);
			List<Pod> pods = byNode.getOrDefault(name, List.of());
			if (verdict.shouldRun()) {
				desired++;
			}
			if (!pods.isEmpty()) {
				if (verdict.shouldRun()) {
					scheduled++;
				}
				else {
					misscheduled++;
				}
			}
			if (verdict.shouldRun() || (verdict.shouldContinueRunning() && !pods.isEmpty())) {
				List<Pod> running = new ArrayList<>();
				for (Pod pod : pods) {
					if ("Failed".equals(PodStates.phase(pod))) {
						// Kubernetes deletes failed daemon pods so a new one is made.
						toDelete.add(pod);
					}
					else {
						running.add(pod);
					}
				}
				if (running.isEmpty() && verdict.shouldRun()) {
					toCreate.add(DaemonPods.newPod(ds, name, hash));
				}
				else if (running.size() > 1) {
					// Keep the oldest; delete the rest.
					running.sort(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp(),
							Comparator.nullsLast(Comparator.naturalOrder())));
					toDelete.addAll(running.subList(1, running.size()));
				}
				if (!running.isEmpty()) {
					Pod kept = running.get(0);
					current.add(kept);
					if (PodStates.isReady(kept)) {
						ready++;
					}
					if (PodStates.isAvailable(kept, minReady, this.clock)) {
						available++;
					}
					if (hash.equals(labelOf(kept, DaemonPods.REVISION_HASH))) {
						updated++;
					}
				}
			}
			else {
				toDelete.addAll(pods);
			}
		}
		// Pods for nodes that left the cluster go too.
		byNode.forEach((node, pods) -> {
			if (!liveNodes.contains(node)) {
				toDelete.addAll(pods);
			}
		});

		if (this.expectations.satisfied(key)) {
			if (toCreate.isEmpty() && toDelete.isEmpty() && isRollingUpdate(ds)) {
				toDelete.addAll(rollingUpdateVictims(ds, current, hash, desired, minReady));
			}
			apply(key, ds, toCreate, toDelete);
			cleanupHistory(ds, history, claimed);
		}

		DaemonSetStatus status = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
		DaemonSetStatus before = Serialization.clone(status);
		status.setDesiredNumberScheduled(desired);
		status.setCurrentNumberScheduled(scheduled);
		status.setNumberMisscheduled(misscheduled);
		status.setNumberReady(ready);
		status.setNumberAvailable(available);
		status.setNumberUnavailable(Math.max(0, desired - available));
		status.setUpdatedNumberScheduled(updated);
		status.setObservedGeneration(ds.getMetadata().getGeneration());
		if (!Objects.equals(before, status)) {
			ds.setStatus(status);
			this.control.updateStatus(ds);
		}
		// Availability after minReadySeconds is not an event: look again then.
		if (minReady > 0 && ready > available) {
			return Result.requeueAfter(java.time.Duration.ofSeconds(minReady));
		}
		return Result.done();
	}

	/**
	 * Kubernetes' snapshot on a name clash: a revision of another template holds
	 * {@code <ds>-<hash>}, so the collisionCount goes up (a new hash); the status write
	 * brings the DaemonSet back.
	 */
	private Result collided(DaemonSet ds) {
		DaemonSetStatus status = ds.getStatus() == null ? new DaemonSetStatus() : ds.getStatus();
		status.setCollisionCount(status.getCollisionCount() == null ? 1 : status.getCollisionCount() + 1);
		ds.setStatus(status);
		log.info("revision hash collision ns={} name={} collisionCount={}", ds.getMetadata().getNamespace(),
				ds.getMetadata().getName(), status.getCollisionCount());
		this.control.updateStatus(ds);
		return Result.done();
	}

	/**
	 * Kubernetes' {@code dedupCurHistories}: pods of a duplicate of the current revision
	 * are relabelled to the current one before the duplicate is deleted, so they do not
	 * count as outdated.
	 */
	private void dedup(ControllerHistory.Revisions history, List<Pod> claimed, String hash) {
		for (ControllerRevision duplicate : history.duplicates()) {
			String duplicateHash = ControllerHistory.hashOf(duplicate);
			for (Pod pod : claimed) {
				if (duplicateHash.equals(labelOf(pod, DaemonPods.REVISION_HASH))) {
					this.control.relabelPod(pod, hash);
				}
			}
			this.revisionWriter.deleteRevision(duplicate);
		}
	}

	/**
	 * Kubernetes' {@code cleanupHistory}: old revisions beyond revisionHistoryLimit
	 * (default 10) go, oldest first, unless a pod still runs them.
	 */
	private void cleanupHistory(DaemonSet ds, ControllerHistory.Revisions history, List<Pod> claimed) {
		Integer limit = ds.getSpec().getRevisionHistoryLimit();
		Set<String> live = new HashSet<>();
		for (Pod pod : claimed) {
			String podHash = labelOf(pod, DaemonPods.REVISION_HASH);
			if (podHash != null) {
				live.add(podHash);
			}
		}
		for (ControllerRevision revision : ControllerHistory.surplus(history.old(), limit == null ? 10 : limit, live)) {
			this.revisionWriter.deleteRevision(revision);
		}
	}

	/**
	 * Old pods to delete now: unavailable ones freely, available ones while fewer than
	 * maxUnavailable nodes are without an available pod.
	 */
	private List<Pod> rollingUpdateVictims(DaemonSet ds, List<Pod> current, String hash, int desired, int minReady) {
		int maxUnavailable = maxUnavailable(ds, desired);
		int unavailable = desired
				- (int) current.stream().filter(p -> PodStates.isAvailable(p, minReady, this.clock)).count();
		List<Pod> victims = new ArrayList<>();
		for (Pod pod : current) {
			if (hash.equals(labelOf(pod, DaemonPods.REVISION_HASH))) {
				continue;
			}
			if (!PodStates.isAvailable(pod, minReady, this.clock)) {
				victims.add(pod);
			}
			else if (unavailable < maxUnavailable) {
				victims.add(pod);
				unavailable++;
			}
		}
		if (!victims.isEmpty()) {
			log.info("rolling update ns={} name={} deleting={} maxUnavailable={}", ds.getMetadata().getNamespace(),
					ds.getMetadata().getName(), victims.size(), maxUnavailable);
		}
		return victims;
	}

	private static boolean isRollingUpdate(DaemonSet ds) {
		return ds.getSpec().getUpdateStrategy() == null || ds.getSpec().getUpdateStrategy().getType() == null
				|| "RollingUpdate".equals(ds.getSpec().getUpdateStrategy().getType());
	}

	/** An integer or a percentage of the desired number, rounded up; at least one. */
	static int maxUnavailable(DaemonSet ds, int desired) {
		IntOrString value = ds.getSpec().getUpdateStrategy() == null
				|| ds.getSpec().getUpdateStrategy().getRollingUpdate() == null ? null
						: ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable();
		if (value == null) {
			return 1;
		}
		int resolved;
		if (value.getStrVal() != null) {
			String text = value.getStrVal().trim();
			int percent = Integer.parseInt(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
			resolved = (int) Math.ceil(percent * desired / 100.0);
		}
		else {
			resolved = value.getIntVal();
		}
		return Math.max(1, resolved);
	}

	private void apply(String key, DaemonSet ds, List<Pod> toCreate, List<Pod> toDelete) {
		if (toCreate.isEmpty() && toDelete.isEmpty()) {
			return;
		}
		this.expectations.expect(key, toCreate.size(), toDelete.size());
		for (Pod pod : toDelete) {
			try {
				this.control.deletePod(pod);
				this.events.event(ds, EventRecorder.NORMAL, "SuccessfulDelete",
						"Deleted pod: " + pod.getMetadata().getName());
			}
			catch (RuntimeException ex) {
				this.expectations.deletionObserved(key);
				this.events.event(ds, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + ex.getMessage());
				throw ex;
			}
		}
		for (Pod pod : toCreate) {
			try {
				Pod created = this.control.createPod(pod);
				this.events.event(ds, EventRecorder.NORMAL, "SuccessfulCreate",
						"Created pod: " + created.getMetadata().getName());
			}
			catch (RuntimeException ex) {
				this.expectations.creationObserved(key);
				this.events.event(ds, EventRecorder.WARNING, "FailedCreate", "Error creating: " + ex.getMessage());
				throw ex;
			}
		}
	}

	private static String labelOf(Pod pod, String label) {
		return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(label);
	}

}
