package io.stevedore.gateway.admission.resourcequota;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.stevedore.machinery.quantity.Quantity;
import io.stevedore.machinery.quota.PodUsage;
import io.stevedore.machinery.quota.QuotaUsage;
import io.stevedore.machinery.quota.ResourceLists;

/**
 * Kubernetes' quota checkRequest for one write against a namespace's quotas: which quotas
 * cover the object, whether it may be admitted, and the quotas with its usage added.
 * Pure; the plugin does the I/O.
 */
final class QuotaCharge {

	private QuotaCharge() {
	}

	/** Why the write is refused: the reason of a 403. */
	static final class Refused extends RuntimeException {

		Refused(String reason) {
			super(reason, null, false, false);
		}

	}

	/**
	 * @param groupResource {@code pods}, {@code deployments.apps} …
	 * @param object the object as it will be stored
	 * @param oldObject the stored object on an update, else null
	 * @return the covering quotas with status.used raised by the write's usage (empty
	 * when the write uses nothing of any quota)
	 * @throws Refused with Kubernetes' reason when a quota is exceeded, a pod lacks a
	 * constrained request or limit, or a quota's usage is not known yet
	 */
	static List<ResourceQuota> charge(String groupResource, HasMetadata object, HasMetadata oldObject,
			Collection<ResourceQuota> quotas, Instant now) {
		List<ResourceQuota> covering = new ArrayList<>();
		for (ResourceQuota quota : quotas) {
			List<String> restricted = hardNames(quota).stream()
				.filter((name) -> QuotaUsage.covers(groupResource, name))
				.toList();
			if (restricted.isEmpty() || !QuotaUsage.matchesScopes(quota, object)) {
				continue;
			}
			if (object instanceof Pod pod) {
				Optional<String> missing = PodUsage.missingConstraints(pod, restricted);
				if (missing.isPresent()) {
					throw new Refused("failed quota: " + name(quota) + ": " + missing.get());
				}
			}
			if (!hasUsageStats(quota, restricted)) {
				throw new Refused("status unknown for quota: " + name(quota) + ", resources: "
						+ String.join(",", new TreeSet<>(restricted)));
			}
			covering.add(quota);
		}
		if (covering.isEmpty()) {
			return List.of();
		}
		Map<String, Quantity> delta = nonZero(QuotaUsage.usage(groupResource, object, now));
		if (oldObject != null && oldObject.getMetadata() != null
				&& oldObject.getMetadata().getResourceVersion() != null) {
			// An update is charged only for what it adds (a PVC grown, a NodePort more).
			Map<String, Quantity> previous = QuotaUsage.usage(groupResource, oldObject, now);
			delta.replaceAll((name, value) -> {
				Quantity before = previous.get(name);
				Quantity difference = before == null ? value : value.subtract(before);
				return difference.signum() < 0 ? Quantity.ZERO : difference;
			});
			delta = nonZero(delta);
		}
		if (delta.isEmpty()) {
			return List.of();
		}
		List<ResourceQuota> charged = new ArrayList<>();
		for (ResourceQuota quota : covering) {
			charged.add(charge(quota, delta));
		}
		return charged;
	}

	private static ResourceQuota charge(ResourceQuota quota, Map<String, Quantity> delta) {
		Map<String, Quantity> hard = ResourceLists.parse(quota.getStatus().getHard());
		Map<String, Quantity> used = ResourceLists.parse(quota.getStatus().getUsed());
		Map<String, Quantity> requested = new TreeMap<>();
		delta.forEach((name, value) -> {
			if (hard.containsKey(name)) {
				requested.put(name, value);
			}
		});
		Map<String, Quantity> newUsed = new LinkedHashMap<>(used);
		ResourceLists.addAll(newUsed, requested);
		List<String> exceeded = requested.keySet()
			.stream()
			.filter((name) -> newUsed.get(name).compareTo(hard.get(name)) > 0)
			.toList();
		if (!exceeded.isEmpty()) {
			throw new Refused("exceeded quota: " + name(quota) + ", requested: " + print(requested, exceeded)
					+ ", used: " + print(used, exceeded) + ", limited: " + print(hard, exceeded));
		}
		Map<String, io.fabric8.kubernetes.api.model.Quantity> usedModel = new LinkedHashMap<>();
		newUsed.forEach((name, value) -> usedModel.put(name, value.toModel()));
		return new ResourceQuotaBuilder(quota).editStatus().withUsed(usedModel).endStatus().build();
	}

	/**
	 * The quota's resource names from status.hard, as Kubernetes; before the controller
	 * has written a status, from spec.hard, so that such a quota refuses ("status
	 * unknown") instead of admitting without limit as Kubernetes does (its issue 73698).
	 */
	private static Collection<String> hardNames(ResourceQuota quota) {
		if (quota.getStatus() != null && quota.getStatus().getHard() != null
				&& !quota.getStatus().getHard().isEmpty()) {
			return quota.getStatus().getHard().keySet();
		}
		return quota.getSpec() == null || quota.getSpec().getHard() == null ? List.of()
				: quota.getSpec().getHard().keySet();
	}

	/** Kubernetes' hasUsageStats: every covered hard resource has a used value. */
	private static boolean hasUsageStats(ResourceQuota quota, List<String> restricted) {
		if (quota.getStatus() == null || quota.getStatus().getHard() == null || quota.getStatus().getUsed() == null) {
			return false;
		}
		for (String name : restricted) {
			if (quota.getStatus().getHard().containsKey(name) && !quota.getStatus().getUsed().containsKey(name)) {
				return false;
			}
		}
		return quota.getStatus().getHard().keySet().containsAll(restricted);
	}

	private static Map<String, Quantity> nonZero(Map<String, Quantity> usage) {
		Map<String, Quantity> result = new LinkedHashMap<>();
		usage.forEach((name, value) -> {
			if (!value.isZero()) {
				result.put(name, value);
			}
		});
		return result;
	}

	/** Kubernetes' prettyPrint of a masked list: {@code a=1,b=2Gi}, names sorted. */
	private static String print(Map<String, Quantity> list, List<String> names) {
		List<String> parts = new ArrayList<>();
		for (String name : new TreeSet<>(names)) {
			Quantity value = list.get(name);
			if (value != null) {
				parts.add(name + "=" + value);
			}
		}
		return String.join(",", parts);
	}

	private static String name(ResourceQuota quota) {
		return quota.getMetadata().getName();
	}

}
