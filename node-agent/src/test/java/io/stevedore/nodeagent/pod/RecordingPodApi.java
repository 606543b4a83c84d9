package io.stevedore.nodeagent.pod;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Secret;
import io.stevedore.client.controller.Keys;

/**
 * The pod sync's API in unit tests: records the status writes, final deletes and events,
 * removes a deleted pod from the test's pods, and serves the ConfigMaps a test puts in.
 */
final class RecordingPodApi implements PodApi, ApiObjects {

	final List<PodStatus> statuses = new ArrayList<>();

	final List<String> deleted = new ArrayList<>();

	/** {@code reason message}. */
	final List<String> events = new ArrayList<>();

	/** {@code reason fieldPath message}. */
	final List<String> placedEvents = new ArrayList<>();

	/** By {@code namespace/name}. */
	final Map<String, ConfigMap> configMaps = new HashMap<>();

	private final Map<String, Pod> pods;

	RecordingPodApi(Map<String, Pod> pods) {
		this.pods = pods;
	}

	PodStatus lastStatus() {
		return this.statuses.isEmpty() ? null : this.statuses.get(this.statuses.size() - 1);
	}

	@Override
	public void updateStatus(Pod pod, PodStatus status) {
		this.statuses.add(status);
	}

	@Override
	public void deleteNow(Pod pod) {
		this.deleted.add(pod.getMetadata().getName());
		this.pods.remove(Keys.of(pod));
	}

	@Override
	public void event(Pod pod, String type, String reason, String message, String fieldPath) {
		this.events.add(reason + " " + message);
		this.placedEvents.add(reason + " " + fieldPath + " " + message);
	}

	@Override
	public ConfigMap configMap(String namespace, String name) {
		return this.configMaps.get(namespace + "/" + name);
	}

	@Override
	public Secret secret(String namespace, String name) {
		return null;
	}

}
