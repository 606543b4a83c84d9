package io.stevedore.nodeagent.node;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.stevedore.nodeagent.events.EventWriter;

/** Where the kubelet's events about its own Node go. */
@FunctionalInterface
public interface NodeEventSink {

	/** Drops every event: for callers that record none. */
	NodeEventSink NONE = (type, reason, message) -> {
	};

	void record(String type, String reason, String message);

	/**
	 * Events on the Node as the kubelet refers to it: kind Node, its name, and the name
	 * again as uid (the kubelet's nodeRef does not know the object's uid).
	 */
	static NodeEventSink of(EventWriter writer, String nodeName) {
		var ref = new ObjectReferenceBuilder().withKind("Node").withName(nodeName).withUid(nodeName).build();
		return (type, reason, message) -> writer.record(ref, type, reason, message);
	}

}
