package io.stevedore.controller.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.stevedore.controller.workload.Tolerations;

/**
 * When a pod on a node with NoExecute taints must go (Kubernetes' taint eviction
 * controller): at once for a taint it does not tolerate, after the shortest
 * tolerationSeconds among the taints it tolerates, never if it tolerates them all
 * forever. The apiserver here adds no default tolerations, so a pod without one for the
 * unreachable or not-ready taint is given the configured default, as the
 * DefaultTolerationSeconds admission plugin would.
 */
final class TaintEviction {

	private TaintEviction() {
	}

	/** The instant the pod is to be evicted, or null when never. */
	static Instant evictAt(Pod pod, List<Taint> taints, Duration defaultToleration, Instant now) {
		Instant earliest = null;
		for (Taint taint : taints) {
			if (!NodeTaints.NO_EXECUTE.equals(taint.getEffect())) {
				continue;
			}
			Instant added = taint.getTimeAdded() == null ? now : Instant.parse(taint.getTimeAdded());
			Toleration toleration = Tolerations.matching(pod.getSpec() == null ? null : pod.getSpec().getTolerations(),
					taint);
			Instant at;
			if (toleration == null) {
				at = NodeTaints.isOurs(taint) ? added.plus(defaultToleration) : now;
			}
			else if (toleration.getTolerationSeconds() == null) {
				continue;
			}
			else {
				at = added.plusSeconds(Math.max(0, toleration.getTolerationSeconds()));
			}
			earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
		}
		return earliest;
	}

}
