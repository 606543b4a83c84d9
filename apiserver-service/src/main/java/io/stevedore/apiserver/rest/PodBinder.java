package io.stevedore.apiserver.rest;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.stevedore.apiserver.codec.PropertyOrder;
import io.stevedore.machinery.errors.ApiException;

/**
 * Writes a pods/binding: spec.nodeName, the PodScheduled condition and the Binding's
 * annotations, on the pod's stored JSON tree.
 *
 * <p>
 * Kubernetes' BindingREST writes a binding straight to storage, past defaulting,
 * validation and the field manager (no manager owns spec.nodeName). Working on the tree
 * also spares the typed decode and encode of the whole pod, and hands the tree to the
 * watch cache instead of letting it parse the change again: together a tenth of the
 * apiserver's CPU per scheduled pod. The stored bytes are those the typed path wrote
 * ({@link PropertyOrder}), which {@code PodBinderTest} checks.
 */
final class PodBinder {

	private static final String POD_SCHEDULED = "PodScheduled";

	private final RestContext context;

	PodBinder(RestContext context) {
		this.context = context;
	}

	/**
	 * Binds the pod at {@code scope}'s key to {@code node}, retrying a lost
	 * compare-and-swap as {@link GuaranteedUpdate} does (from the watch cache's copy
	 * first; a refusal found on that copy is checked again on the store's state).
	 */
	void bind(Scope scope, Binding binding, String node, boolean dryRun) {
		String key = scope.key();
		CompareAndSwapLoop.run(this.context, key, dryRun, (kv, fromStore) -> {
			if (kv == null) {
				throw ApiException.notFound("", "pods", scope.name());
			}
			ObjectNode pod = (ObjectNode) this.context.codec().readStoredTree(kv.value());
			apply(pod, binding, node, kv.modRevision(), scope.name());
			byte[] stored = this.context.codec().encodeTreeForStorage(pod);
			if (!dryRun) {
				this.context.cache().expectWrite(key, stored, pod);
				this.context.store().update(key, stored, kv.modRevision());
			}
			return null;
		}, () -> ApiException.conflict("", "pods", scope.name(), "too many concurrent writers, please retry"));
	}

	/** The binding's changes to the stored pod, or the conflict that refuses it. */
	void apply(ObjectNode pod, Binding binding, String node, long modRevision, String name) {
		ObjectNode meta = object(pod, "metadata");
		checkPreconditions(binding, meta, modRevision, name);
		if (meta.hasNonNull("deletionTimestamp")) {
			throw ApiException.conflict("", "pods", name, "pod is being deleted, cannot be assigned to a host");
		}
		ObjectNode spec = object(pod, "spec");
		String assigned = spec.path("nodeName").asText("");
		if (!assigned.isEmpty()) {
			throw ApiException.conflict("", "pods", name,
					"pod " + name + " is already assigned to node \"" + assigned + "\"");
		}
		if (!spec.path("schedulingGates").isEmpty()) {
			throw ApiException.conflict("", "pods", name, "pod " + name + " has non-empty .spec.schedulingGates");
		}
		PropertyOrder order = this.context.codec().propertyOrder();
		order.set(spec, PodSpec.class, "nodeName", TextNode.valueOf(node));
		Map<String, String> annotations = binding.getMetadata() == null ? null : binding.getMetadata().getAnnotations();
		if (annotations != null && !annotations.isEmpty()) {
			ObjectNode merged = meta.get("annotations") instanceof ObjectNode existing ? existing
					: JsonNodeFactory.instance.objectNode();
			annotations.forEach(merged::put);
			order.set(meta, ObjectMeta.class, "annotations", merged);
		}
		// What the typed path kept (ObjectMetaRules.beforeUpdate, which saw no spec
		// change
		// there: the binding changed the loaded object itself): a generation of at least
		// 1.
		long generation = meta.path("generation").asLong(0);
		if (generation < 1) {
			order.set(meta, ObjectMeta.class, "generation", LongNode.valueOf(1));
		}
		ObjectNode status = object(pod, "status");
		ArrayNode conditions = JsonNodeFactory.instance.arrayNode();
		for (JsonNode condition : status.path("conditions")) {
			if (!POD_SCHEDULED.equals(condition.path("type").asText())) {
				conditions.add(condition);
			}
		}
		conditions.add(this.context.codec()
			.toTree(new PodConditionBuilder().withType(POD_SCHEDULED)
				.withStatus("True")
				.withLastTransitionTime(ObjectMetaRules.timestamp(this.context.clock().instant()))
				.build()));
		order.set(status, PodStatus.class, "conditions", conditions);
	}

	/** The object at {@code field}, added in its place when missing. */
	private ObjectNode object(ObjectNode parent, String field) {
		if (parent.get(field) instanceof ObjectNode child) {
			return child;
		}
		ObjectNode child = JsonNodeFactory.instance.objectNode();
		this.context.codec().propertyOrder().set(parent, Pod.class, field, child);
		return child;
	}

	/**
	 * The Binding's uid and resourceVersion, when set, must be the pod's (Kubernetes'
	 * storage preconditions): a scheduler's decision about a pod deleted and created
	 * again under the same name, or about an older state of it, is refused.
	 */
	private static void checkPreconditions(Binding binding, ObjectNode meta, long modRevision, String name) {
		if (binding.getMetadata() == null) {
			return;
		}
		String uid = binding.getMetadata().getUid();
		String podUid = meta.path("uid").asText(null);
		if (uid != null && !uid.isEmpty() && !uid.equals(podUid)) {
			throw ApiException.conflict("", "pods", name,
					"Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + podUid);
		}
		String resourceVersion = binding.getMetadata().getResourceVersion();
		if (resourceVersion != null && !resourceVersion.isEmpty()
				&& !resourceVersion.equals(Long.toString(modRevision))) {
			throw ApiException.conflict("", "pods", name, "Precondition failed: ResourceVersion in precondition: "
					+ resourceVersion + ", ResourceVersion in object meta: " + modRevision);
		}
	}

}
