package io.stevedore.gateway.admission.resourcequota;

import java.util.List;

import io.fabric8.kubernetes.api.model.ResourceQuota;

/**
 * How quota admission reads and charges ResourceQuotas, behind an interface so that the
 * plugin's rules are unit-tested without an apiserver.
 */
public interface QuotaAccess {

	/** The namespace's quotas as last seen (an informer's cache; may be stale). */
	List<ResourceQuota> list(String namespace);

	/** The quota as stored now, after a conflict; null when it is gone. */
	ResourceQuota get(String namespace, String name);

	/**
	 * PUT resourcequotas/{name}/status with the quota's resourceVersion as precondition.
	 * @return the stored quota, with its new resourceVersion
	 * @throws Conflict when the quota changed since that resourceVersion
	 */
	ResourceQuota updateStatus(ResourceQuota quota);

	/** The 409 of an update whose resourceVersion is no longer current. */
	final class Conflict extends RuntimeException {

		public Conflict(String message) {
			super(message, null, false, false);
		}

	}

}
