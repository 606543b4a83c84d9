package io.stevedore.controller.replicaset;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.controller.workload.EventRecorder;

/** Keeps events as {@code "<type> <reason> <message>"} lines for assertions. */
public final class RecordingEventRecorder implements EventRecorder {

	public final List<String> events = new CopyOnWriteArrayList<>();

	@Override
	public void event(HasMetadata object, String type, String reason, String message) {
		this.events.add(type + " " + reason + " " + message);
	}

}
