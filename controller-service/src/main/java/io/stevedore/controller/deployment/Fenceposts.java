package io.stevedore.controller.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;

/**
 * maxSurge and maxUnavailable as numbers of pods (Kubernetes' {@code ResolveFenceposts}):
 * percentages of the desired replicas, surge rounded up and unavailability rounded down;
 * both 0 would never make progress, so unavailability becomes 1.
 */
final class Fenceposts {

	/** The API defaults, used when the apiserver left the fields empty. */
	private static final IntOrString DEFAULT = new IntOrString("25%");

	private Fenceposts() {
	}

	record Resolved(int maxSurge, int maxUnavailable) {
	}

	static Resolved resolve(IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
		int surge = scaledValue(maxSurge == null ? DEFAULT : maxSurge, desired, true, "maxSurge");
		int unavailable = scaledValue(maxUnavailable == null ? DEFAULT : maxUnavailable, desired, false,
				"maxUnavailable");
		if (surge == 0 && unavailable == 0) {
			unavailable = 1;
		}
		return new Resolved(surge, unavailable);
	}

	/** Kubernetes' {@code GetScaledValueFromIntOrPercent}. */
	static int scaledValue(IntOrString value, int total, boolean roundUp, String field) {
		if (value.getIntVal() != null) {
			return value.getIntVal();
		}
		String text = value.getStrVal();
		if (text == null || !text.endsWith("%")) {
			throw new IllegalArgumentException("spec.strategy.rollingUpdate." + field + ": invalid value \"" + text
					+ "\": must be an integer or a percentage (e.g. '5%')");
		}
		int percent;
		try {
			percent = Integer.parseInt(text.substring(0, text.length() - 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("spec.strategy.rollingUpdate." + field + ": invalid value \"" + text
					+ "\": must be an integer or a percentage (e.g. '5%')");
		}
		long scaled = (long) percent * total;
		return (int) (roundUp ? Math.ceilDiv(scaled, 100) : Math.floorDiv(scaled, 100));
	}

	static boolean isRollingUpdate(Deployment d) {
		return d.getSpec().getStrategy() == null || !"Recreate".equals(d.getSpec().getStrategy().getType());
	}

	private static RollingUpdateDeployment rolling(Deployment d) {
		return d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
	}

	private static Resolved resolved(Deployment d) {
		RollingUpdateDeployment rolling = rolling(d);
		return resolve(rolling == null ? null : rolling.getMaxSurge(),
				rolling == null ? null : rolling.getMaxUnavailable(), DeploymentUtil.replicas(d));
	}

	/** Kubernetes' {@code MaxSurge}: 0 for Recreate. */
	static int maxSurge(Deployment d) {
		return isRollingUpdate(d) ? resolved(d).maxSurge() : 0;
	}

	/**
	 * Kubernetes' {@code MaxUnavailable}: 0 for Recreate or no replicas, never more than
	 * the replicas.
	 */
	static int maxUnavailable(Deployment d) {
		int replicas = DeploymentUtil.replicas(d);
		if (!isRollingUpdate(d) || replicas == 0) {
			return 0;
		}
		return Math.min(resolved(d).maxUnavailable(), replicas);
	}

}
