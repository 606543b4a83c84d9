package io.stevedore.controller.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A ControllerRevision's data byte for byte as kube-controller-manager writes it (the
 * DaemonSet controller's and the StatefulSet controller's {@code getPatch}):
 * {@code {"spec":{"template":{"$patch":"replace",…}}}}, the template as Go writes it back
 * ({@link GoRoundTrip}), every key sorted, Go's escaping ({@link GoJson}). kubectl's
 * {@code rollout undo} builds the same bytes from the live object and says
 * {@code skipped rollback (current template already matches revision N)} only when they
 * are equal to the revision's.
 */
public final class RevisionData {

	private RevisionData() {
	}

	/** The data of a revision of this template. */
	public static String of(PodTemplateSpec template) {
		ObjectNode replace = (ObjectNode) GoRoundTrip.of(template);
		replace.put("$patch", "replace");
		ObjectNode spec = JsonNodeFactory.instance.objectNode();
		spec.set("template", replace);
		ObjectNode patch = JsonNodeFactory.instance.objectNode();
		patch.set("spec", spec);
		return GoJson.write(patch, true);
	}

	/**
	 * Whether stored data (a map or RawExtension as fabric8 read it, keys in the order
	 * the apiserver sent them) is exactly {@code expected}.
	 */
	public static boolean matches(Object data, String expected) {
		if (data == null) {
			return false;
		}
		JsonNode stored = Serialization.jsonMapper().valueToTree(data);
		return GoJson.write(stored, false).equals(expected);
	}

}
