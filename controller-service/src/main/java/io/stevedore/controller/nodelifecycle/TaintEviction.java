package io.stevedore.controller.nodelifecycle;

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
 * forever. There is no default here, as in Kubernetes: the grace period of an ordinary
 * pod on a node that stops reporting comes from the not-ready and unreachable tolerations
 * the gateway's DefaultTolerationSeconds admission adds when the pod is created (5 s in
 * {@code ./stevedore up}, docker-compose and the Helm chart; 300 s, Kubernetes' default,
 * otherwise). A pod written to the apiserver without admission has none and goes at once.
 */
final class TaintEviction {

	private TaintEviction() {
	}

	/** The instant the pod is to be evicted, or null when never. */
	static Instant evictAt(Pod pod, List<Taint> taints, Instant now) {
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
				at = now;
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
