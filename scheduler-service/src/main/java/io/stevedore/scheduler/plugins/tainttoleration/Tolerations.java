package io.stevedore.scheduler.plugins.tainttoleration;

import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * Kubernetes' {@code Toleration.ToleratesTaint}, shared by the plugins that read taints.
 */
public final class Tolerations {

	private Tolerations() {
	}

	public static boolean tolerates(Toleration toleration, Taint taint) {
		String effect = toleration.getEffect();
		if (effect != null && !effect.isEmpty() && !effect.equals(taint.getEffect())) {
			return false;
		}
		String key = toleration.getKey();
		if (key != null && !key.isEmpty() && !key.equals(taint.getKey())) {
			return false;
		}
		String operator = toleration.getOperator();
		if ("Exists".equals(operator)) {
			return true;
		}
		if (operator == null || operator.isEmpty() || "Equal".equals(operator)) {
			// An empty key with Equal would only match an empty-keyed taint; validation
			// forbids it, so it tolerates nothing real.
			return Objects.equals(emptyIfNull(toleration.getValue()), emptyIfNull(taint.getValue()));
		}
		return false;
	}

	public static boolean toleratedByAny(List<Toleration> tolerations, Taint taint) {
		if (tolerations != null) {
			for (Toleration toleration : tolerations) {
				if (tolerates(toleration, taint)) {
					return true;
				}
			}
		}
		return false;
	}

	private static String emptyIfNull(String value) {
		return value == null ? "" : value;
	}

}
