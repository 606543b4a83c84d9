package io.stevedore.controller.replicaset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stevedore.client.controller.Keys;
import io.stevedore.client.controller.Reconciler;
import io.stevedore.client.controller.Result;
import io.stevedore.controller.workload.CacheLister;
import io.stevedore.controller.workload.CanAdopt;
import io.stevedore.controller.workload.ClaimCandidates;
import io.stevedore.controller.workload.ControllerExpectations;
import io.stevedore.controller.workload.ControllerRefClaim;
import io.stevedore.controller.workload.EventRecorder;
import io.stevedore.controller.workload.OwnerSelector;
import io.stevedore.controller.workload.PodControl;
import io.stevedore.controller.workload.PodStates;
import io.stevedore.controller.workload.SlowStartBatch;
import io.stevedore.machinery.selectors.LabelSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' {@code syncReplicaSet}: claims the matching pods, creates or deletes pods
 * until exactly {@code spec.replicas} are active, and writes the status. Creations and
 * deletions wait while earlier ones are still unobserved
 * ({@link ControllerExpectations}), and a sync never creates or deletes more than
 * {@link #BURST_REPLICAS} pods.
 * <p>
 * Threading: one key at a time (the work queue's guarantee); the cache is read, never
 * changed.
 */
public final class ReplicaSetSync implements Reconciler {

	/** Kubernetes' {@code BurstReplicas}. */
	static final int BURST_REPLICAS = 500;

	private static final Logger log = LoggerFactory.getLogger(ReplicaSetSync.class);

	private final CacheLister<ReplicaSet> replicaSets;

	/** Its own pods and the namespace's orphans (the pod informer's owner index). */
	private final ClaimCandidates<Pod> pods;

	private final PodControl podControl;

	private final ReplicaSetStatusWriter statusWriter;

	private final ControllerExpectations expectations;

	private final EventRecorder events;

	private final Clock clock;

	private final CanAdopt canAdopt;

	public ReplicaSetSync(CacheLister<ReplicaSet> replicaSets, ClaimCandidates<Pod> pods, PodControl podControl,
			ReplicaSetStatusWriter statusWriter, ControllerExpectations expectations, EventRecorder events, Clock clock,
			CanAdopt canAdopt) {
		this.canAdopt = canAdopt;
		this.events = events;
		this.replicaSets = replicaSets;
		this.pods = pods;
		this.podControl = podControl;
		this.statusWriter = statusWriter;
		this.expectations = expectations;
		this.clock = clock;
	}

	@Override
	public Result reconcile(String key) throws Exception {
		Keys.check(key);
		ReplicaSet rs = this.replicaSets.get(Keys.namespace(key), Keys.name(key));
		if (rs == null) {
			this.expectations.forget(key);
			return Result.done();
		}
		LabelSelector selector = OwnerSelector.parse(rs, rs.getSpec().getSelector());
		if (selector == null) {
			return Result.done();
		}
		boolean needsSync = this.expectations.satisfied(key);
		// Kubernetes lists every pod of the namespace by label here; the owner index
		// gives
		// the same claim with only the pods it could keep or adopt.
		List<Pod> active = this.pods.of(rs).stream().filter(PodStates::isActive).toList();
		List<Pod> owned = ControllerRefClaim.claim(rs, selector, active, this.canAdopt,
				this.podControl::patchOwnerReferences);

		Exception manageError = null;
		int diff = owned.size() - replicas(rs);
		if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
			manageError = manageReplicas(key, rs, owned, diff);
		}
		Instant now = this.clock.instant();
		ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs, owned, manageError, diff < 0, now);
		if (!ReplicaSetStatuses.same(rs.getStatus(), status)) {
			this.statusWriter.updateStatus(rs, status);
		}
		if (manageError != null) {
			throw manageError;
		}
		int minReadySeconds = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
		// Nothing else will change when pods become available: look again then.
		if (minReadySeconds > 0 && status.getReadyReplicas() == replicas(rs)
				&& !status.getAvailableReplicas().equals(status.getReadyReplicas())) {
			return Result.requeueAfter(Duration.ofSeconds(minReadySeconds));
		}
		return Result.done();
	}

	/**
	 * @return the first failure, or null
	 */
	private Exception manageReplicas(String key, ReplicaSet rs, List<Pod> owned, int diff) {
		if (diff < 0) {
			int create = Math.min(-diff, BURST_REPLICAS);
			// Expect before acting: the informer may see a pod before create() returns.
			this.expectations.expectCreations(key, create);
			SlowStartBatch.Outcome outcome = SlowStartBatch.run(create, () -> {
				Pod pod = this.podControl.createPod(rs.getSpec().getTemplate(), rs);
				this.events.event(rs, EventRecorder.NORMAL, "SuccessfulCreate",
						"Created pod: " + pod.getMetadata().getName());
			});
			if (outcome.failure() != null) {
				this.events.event(rs, EventRecorder.WARNING, "FailedCreate",
						"Error creating: " + outcome.failure().getMessage());
			}
			for (int i = outcome.successes(); i < create; i++) {
				// Never coming: failed or skipped.
				this.expectations.creationObserved(key);
			}
			log.info("created pods ns={} replicaset={} count={} wanted={}", rs.getMetadata().getNamespace(),
					rs.getMetadata().getName(), outcome.successes(), create);
			return outcome.failure();
		}
		if (diff > 0) {
			int delete = Math.min(diff, BURST_REPLICAS);
			List<Pod> victims = new ArrayList<>(owned);
			victims.sort(PodDeletionOrder.LEAST_VALUABLE_FIRST);
			victims = victims.subList(0, delete);
			this.expectations.expectDeletions(key, delete);
			Exception failure = null;
			for (Pod pod : victims) {
				try {
					this.podControl.deletePod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), rs);
					this.events.event(rs, EventRecorder.NORMAL, "SuccessfulDelete",
							"Deleted pod: " + pod.getMetadata().getName());
				}
				catch (KubernetesClientException ex) {
					// No delete event of ours will lower the expectation: the pod's own
					// may
					// have come before expectDeletions (Kubernetes lowers it here too).
					this.expectations.deletionObserved(key);
					if (ex.getCode() == 404) {
						continue;
					}
					this.events.event(rs, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + ex.getMessage());
					if (failure == null) {
						failure = ex;
					}
				}
			}
			log.info("deleted pods ns={} replicaset={} count={}", rs.getMetadata().getNamespace(),
					rs.getMetadata().getName(), delete);
			return failure;
		}
		return null;
	}

	static int replicas(ReplicaSet rs) {
		Integer replicas = rs.getSpec().getReplicas();
		return replicas == null ? 1 : replicas;
	}

}
