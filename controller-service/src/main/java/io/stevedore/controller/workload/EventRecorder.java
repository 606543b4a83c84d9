package io.stevedore.controller.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Records core/v1 Events about an object, the explanations {@code kubectl describe} shows
 * (client-go's {@code record.EventRecorder}). Recording never fails the caller: an event
 * that cannot be written is dropped.
 */
public interface EventRecorder {

	String NORMAL = "Normal";

	String WARNING = "Warning";

	/** Drops every event; for tests that do not look at them. */
	EventRecorder NONE = (object, type, reason, message) -> {
	};

	void event(HasMetadata object, String type, String reason, String message);

}
