package io.stevedore.gateway.admission.resourcequota;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;

/**
 * Kubernetes' ResourceQuota admission (validating): a create (or an update of a Service
 * or PVC, whose usage may grow) of an object a quota of its namespace covers is refused
 * when it would take usage over status.hard ("exceeded quota: q, requested: pods=1, used:
 * pods=2, limited: pods=2"); otherwise the quota is charged at once by writing
 * status.used with the quota's resourceVersion as precondition. Two concurrent creates
 * therefore cannot both take the last slot: the second write gets a conflict, reads the
 * quota again and is checked against the charged usage. The resource quota controller
 * later recalculates usage from what is stored. A dry run is checked but not charged.
 *
 * <pre>
 * write ─▶ covering quotas (resources ∩ status.hard, scopes) ─▶ constraints, status known
 *       ─▶ used + delta ≤ hard ? ─▶ PUT status (resourceVersion) ─409─▶ GET, check again
 * </pre>
 *
 * <p>
 * Within this gateway, charges of one namespace are made one at a time (a striped lock),
 * so concurrent creates queue instead of failing on conflicts with each other, as
 * Kubernetes' per-namespace evaluation queue does; conflicts then come only from other
 * gateways and the controller.
 */
public final class ResourceQuotaAdmission implements AdmissionPlugin {

	public static final String NAME = "ResourceQuota";

	/** Updates whose usage can grow; pods' resources are immutable. */
	private static final Set<String> CHARGED_ON_UPDATE = Set.of("services", "persistentvolumeclaims");

	/**
	 * Resources whose writes are sent to admission: those quotas count by evaluator or by
	 * name, and the common {@code count/<resource>.<group>} ones. A resource not here is
	 * still counted by the controller but not enforced at create.
	 */
	static final Set<String> RESOURCES = Set.of("/pods", "/services", "/persistentvolumeclaims", "/configmaps",
			"/secrets", "/replicationcontrollers", "/resourcequotas", "apps/deployments", "apps/replicasets",
			"apps/statefulsets", "apps/daemonsets", "batch/jobs", "batch/cronjobs", "networking.k8s.io/ingresses",
			"policy/poddisruptionbudgets", "autoscaling/horizontalpodautoscalers");

	/** Each round charges at least one concurrent writer, so this bounds a burst. */
	static final int MAX_ATTEMPTS = 20;

	private final QuotaAccess access;

	private final Clock clock;

	private final ReentrantLock[] locks = new ReentrantLock[64];

	/**
	 * Quotas as this gateway last wrote them: newer than the informer's copy until its
	 * watch catches up, so back-to-back charges do not each start with a conflict.
	 */
	private final Map<String, ResourceQuota> written = new ConcurrentHashMap<>();

	public ResourceQuotaAdmission(QuotaAccess access, Clock clock) {
		this.access = access;
		this.clock = clock;
		for (int i = 0; i < this.locks.length; i++) {
			this.locks[i] = new ReentrantLock();
		}
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		return RESOURCES;
	}

	@Override
	public void validate(AdmissionAttributes attributes) {
		if (!attributes.subresource().isEmpty() || attributes.namespace().isEmpty() || attributes.object() == null) {
			return;
		}
		String groupResource = attributes.groupResource();
		boolean create = AdmissionAttributes.CREATE.equals(attributes.operation());
		boolean update = AdmissionAttributes.UPDATE.equals(attributes.operation())
				&& CHARGED_ON_UPDATE.contains(groupResource);
		if (!create && !update) {
			return;
		}
		List<ResourceQuota> quotas = current(attributes.namespace());
		if (quotas.isEmpty()) {
			return;
		}
		ReentrantLock lock = this.locks[Math.floorMod(attributes.namespace().hashCode(), this.locks.length)];
		lock.lock();
		try {
			chargeWithRetries(attributes, groupResource, update, current(attributes.namespace()));
		}
		finally {
			lock.unlock();
		}
	}

	private void chargeWithRetries(AdmissionAttributes attributes, String groupResource, boolean update,
			List<ResourceQuota> quotas) {
		List<ResourceQuota> toCheck = quotas;
		for (int attempt = 0; attempt < MAX_ATTEMPTS && !toCheck.isEmpty(); attempt++) {
			List<ResourceQuota> charged;
			try {
				charged = QuotaCharge.charge(groupResource, attributes.object(), update ? attributes.oldObject() : null,
						toCheck, this.clock.instant());
			}
			catch (QuotaCharge.Refused refused) {
				throw AdmissionDenied.forbidden(attributes, refused.getMessage());
			}
			if (charged.isEmpty() || attributes.dryRun()) {
				return;
			}
			List<ResourceQuota> conflicted = new ArrayList<>();
			for (ResourceQuota quota : charged) {
				try {
					ResourceQuota stored = this.access.updateStatus(quota);
					this.written.put(key(stored), stored);
				}
				catch (QuotaAccess.Conflict conflict) {
					ResourceQuota fresh = this.access.get(quota.getMetadata().getNamespace(),
							quota.getMetadata().getName());
					this.written.remove(key(quota));
					if (fresh != null) {
						conflicted.add(fresh);
					}
				}
			}
			toCheck = conflicted;
		}
		if (!toCheck.isEmpty()) {
			throw AdmissionDenied.internalError("resource quota evaluation failed: too many conflicts charging "
					+ toCheck.stream().map((q) -> q.getMetadata().getName()).sorted().toList());
		}
	}

	/** The namespace's quotas, each the newer of the cache's and our last write. */
	private List<ResourceQuota> current(String namespace) {
		List<ResourceQuota> result = new ArrayList<>();
		for (ResourceQuota cached : this.access.list(namespace)) {
			ResourceQuota ours = this.written.get(key(cached));
			result.add(ours != null && sameObject(ours, cached) && revision(ours) > revision(cached) ? ours : cached);
		}
		result.sort(Comparator.comparing((ResourceQuota q) -> q.getMetadata().getName()));
		return result;
	}

	private static boolean sameObject(ResourceQuota a, ResourceQuota b) {
		return a.getMetadata().getUid() == null || a.getMetadata().getUid().equals(b.getMetadata().getUid());
	}

	/** resourceVersions are the store's global revision: comparable as numbers. */
	private static long revision(ResourceQuota quota) {
		try {
			return Long.parseLong(quota.getMetadata().getResourceVersion());
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	private static String key(ResourceQuota quota) {
		return quota.getMetadata().getNamespace() + "/" + quota.getMetadata().getName();
	}

}
