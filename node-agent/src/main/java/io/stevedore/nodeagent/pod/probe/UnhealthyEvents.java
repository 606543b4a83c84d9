package io.stevedore.nodeagent.pod.probe;

import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.pod.PodApi;

/**
 * The kubelet's {@code Unhealthy} warning for each failed probe run ("Readiness probe
 * failed: HTTP probe failed with statuscode: 500"), on the container's field path; the
 * event sink counts the repeats of one message on one stored event, so a probe failing
 * every period reads "(x12 over 2m)" in {@code kubectl describe}, as in Kubernetes.
 */
public final class UnhealthyEvents implements ProbeManager.Failures {

	private final Function<String, Pod> pods;

	private final PodApi api;

	/**
	 * @param pods the cached pod of a {@code namespace/name} key, or null
	 */
	public UnhealthyEvents(Function<String, Pod> pods, PodApi api) {
		this.pods = pods;
		this.api = api;
	}

	@Override
	public void failed(String podKey, Container container, ProbeManager.Kind kind, String output) {
		Pod pod = this.pods.apply(podKey);
		if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
			return;
		}
		this.api.event(pod, "Warning", "Unhealthy", kind.title + " probe failed: " + output,
				"spec.containers{" + container.getName() + "}");
	}

}
