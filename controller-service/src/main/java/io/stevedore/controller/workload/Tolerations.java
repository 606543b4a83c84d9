package io.stevedore.controller.workload;

import java.util.List;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

/**
 * Kubernetes' {@code Toleration.ToleratesTaint}, for the DaemonSet and node lifecycle
 * controllers.
 */
public final class Tolerations {

	private Tolerations() {
	}

	/** The first toleration that tolerates the taint, or null. */
	public static Toleration matching(List<Toleration> tolerations, Taint taint) {
		if (tolerations == null) {
			return null;
		}
		return tolerations.stream().filter(t -> tolerates(t, taint)).findFirst().orElse(null);
	}

	public static boolean tolerates(Toleration toleration, Taint taint) {
		if (toleration.getEffect() != null && !toleration.getEffect().isEmpty()
				&& !toleration.getEffect().equals(taint.getEffect())) {
			return false;
		}
		String key = toleration.getKey() == null ? "" : toleration.getKey();
		if (!key.isEmpty() && !key.equals(taint.getKey())) {
			return false;
		}
		String operator = toleration.getOperator() == null || toleration.getOperator().isEmpty() ? "Equal"
				: toleration.getOperator();
		if (operator.equals("Exists")) {
			return true;
		}
		// Equal with an empty key matches nothing (validation forbids it anyway).
		String value = toleration.getValue() == null ? "" : toleration.getValue();
		String taintValue = taint.getValue() == null ? "" : taint.getValue();
		return !key.isEmpty() && value.equals(taintValue);
	}

}
