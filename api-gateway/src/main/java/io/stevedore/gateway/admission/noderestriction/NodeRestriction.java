package io.stevedore.gateway.admission.noderestriction;

import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.stevedore.gateway.admission.AdmissionAttributes;
import io.stevedore.gateway.admission.AdmissionDenied;
import io.stevedore.gateway.admission.AdmissionPlugin;
import io.stevedore.gateway.authz.NodeIdentity;
import io.stevedore.gateway.status.StatusResponses;

/**
 * Kubernetes' NodeRestriction admission (plugin/pkg/admission/noderestriction): a node
 * identity ({@code system:node:NAME}) may write only its own Node (and may not add,
 * change or remove labels {@link NodeLabels} keeps from it), its own Lease in
 * {@code kube-node-lease}, the status of pods bound to it, mirror pods bound to it; may
 * delete or evict only pods bound to it; and may ask for ServiceAccount tokens only bound
 * to a pod bound to it. Other users pass untouched. Messages are Kubernetes'.
 */
public final class NodeRestriction implements AdmissionPlugin {

	public static final String NAME = "NodeRestriction";

	static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

	static final String NODE_LEASE_NAMESPACE = "kube-node-lease";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Set<String> resources() {
		// serviceaccounts/token is not the apiserver's: the gateway's TokenRequest
		// handler
		// runs the chain itself.
		return Set.of("/nodes", "/nodes/status", "/pods", "/pods/status", "/pods/eviction", "/serviceaccounts/token",
				"coordination.k8s.io/leases");
	}

	/** The stored pod, for an eviction (whose object is the Eviction). */
	private final BiFunction<String, String, Pod> pods;

	/**
	 * @param pods GET of a pod by namespace and name; null when it does not exist
	 */
	public NodeRestriction(BiFunction<String, String, Pod> pods) {
		this.pods = pods;
	}

	/**
	 * Kubernetes runs these checks in the mutating phase; here in the validating one,
	 * because the apiserver calls only that phase on DELETE, and the checks change
	 * nothing.
	 */
	@Override
	public void validate(AdmissionAttributes attributes) {
		String node = NodeIdentity.nodeName(attributes.user()).orElse(null);
		if (node == null) {
			return;
		}
		switch (attributes.resource()) {
			case "pods" -> admitPod(node, attributes);
			case "nodes" -> admitNode(node, attributes);
			case "leases" -> admitLease(node, attributes);
			case "serviceaccounts" -> admitTokenRequest(node, attributes);
			default -> {
			}
		}
	}

	private void admitPod(String node, AdmissionAttributes attributes) {
		switch (attributes.subresource()) {
			case "" -> {
				if (AdmissionAttributes.CREATE.equals(attributes.operation())) {
					admitMirrorPod(node, attributes);
				}
				else if (AdmissionAttributes.DELETE.equals(attributes.operation())) {
					if (!node.equals(nodeNameOf(attributes.oldObject()))) {
						throw AdmissionDenied.forbidden(attributes,
								"node \"" + node + "\" can only delete pods with spec.nodeName set to itself");
					}
				}
				else {
					throw AdmissionDenied.forbidden(attributes, "unexpected operation " + attributes.operation()
							+ ", node \"" + node + "\" can only create and delete mirror pods");
				}
			}
			case "status" -> {
				if (!node.equals(nodeNameOf(attributes.oldObject()))) {
					throw AdmissionDenied.forbidden(attributes, "node \"" + node
							+ "\" can only update pod status for pods with spec.nodeName set to itself");
				}
			}
			case "eviction" -> {
				// The Eviction names the pod; where it is bound is the stored pod's.
				Pod pod = this.pods.apply(attributes.namespace(), attributes.name());
				if (pod != null && !node.equals(nodeNameOf(pod))) {
					throw AdmissionDenied.forbidden(attributes,
							"node \"" + node + "\" can only evict pods with spec.nodeName set to itself");
				}
			}
			default -> {
			}
		}
	}

	private static void admitMirrorPod(String node, AdmissionAttributes attributes) {
		if (!(attributes.object() instanceof Pod pod)) {
			return;
		}
		Map<String, String> annotations = pod.getMetadata().getAnnotations();
		if (annotations == null || !annotations.containsKey(MIRROR_POD_ANNOTATION)) {
			throw AdmissionDenied.forbidden(attributes, "pod does not have \"" + MIRROR_POD_ANNOTATION
					+ "\" annotation, node \"" + node + "\" can only create mirror pods");
		}
		if (!node.equals(pod.getSpec().getNodeName())) {
			throw AdmissionDenied.forbidden(attributes,
					"node \"" + node + "\" can only create pods with spec.nodeName set to itself");
		}
		String account = pod.getSpec().getServiceAccountName();
		if (account != null && !account.isEmpty()) {
			throw AdmissionDenied.forbidden(attributes,
					"node \"" + node + "\" can not create pods that reference a service account");
		}
		if (pod.getSpec().getVolumes() != null) {
			for (var volume : pod.getSpec().getVolumes()) {
				String kind = volume.getSecret() != null ? "secrets" : volume.getConfigMap() != null ? "configmaps"
						: volume.getPersistentVolumeClaim() != null ? "persistentvolumeclaims" : null;
				if (kind != null) {
					throw AdmissionDenied.forbidden(attributes,
							"node \"" + node + "\" can not create pods that reference " + kind);
				}
			}
		}
	}

	private static void admitNode(String node, AdmissionAttributes attributes) {
		HasMetadata object = attributes.object() != null ? attributes.object() : attributes.oldObject();
		String requested = attributes.name().isEmpty() && object != null ? object.getMetadata().getName()
				: attributes.name();
		if (!node.equals(requested)) {
			throw AdmissionDenied.forbidden(attributes,
					"node \"" + node + "\" is not allowed to modify node \"" + requested + "\"");
		}
		if (!(attributes.object() instanceof Node updated)) {
			return;
		}
		// A node that could drop or change its own taints could steer workloads meant
		// elsewhere to itself (Kubernetes: taints only at registration). A status write
		// carries the stored spec, so only a spec change is refused.
		if (attributes.oldObject() instanceof Node old && !taints(updated).equals(taints(old))) {
			throw AdmissionDenied.forbidden(attributes, "node \"" + node + "\" is not allowed to modify taints");
		}
		Map<String, String> before = attributes.oldObject() instanceof Node old && old.getMetadata().getLabels() != null
				? old.getMetadata().getLabels() : Map.of();
		Map<String, String> after = updated.getMetadata().getLabels() == null ? Map.of()
				: updated.getMetadata().getLabels();
		Set<String> forbidden = NodeLabels.forbiddenChanges(before, after);
		if (forbidden.isEmpty()) {
			return;
		}
		// Kubernetes' update message does not name the node; its create message does.
		if (AdmissionAttributes.CREATE.equals(attributes.operation())) {
			throw AdmissionDenied.forbidden(attributes, "node \"" + node
					+ "\" is not allowed to set the following labels: " + String.join(", ", forbidden));
		}
		throw AdmissionDenied.forbidden(attributes, "is not allowed to modify labels: " + String.join(", ", forbidden));
	}

	/** A node's taints; none and an empty list are the same, as Kubernetes compares. */
	private static java.util.List<io.fabric8.kubernetes.api.model.Taint> taints(Node node) {
		return node.getSpec() == null || node.getSpec().getTaints() == null ? java.util.List.of()
				: node.getSpec().getTaints();
	}

	/**
	 * A node asks for tokens only for its own pods' use: the TokenRequest must be bound
	 * to a pod (by name and uid) that runs on the node, so a token a node obtains dies
	 * with a pod it runs. Which ServiceAccount it may ask for is the Node authorizer's
	 * part.
	 */
	private void admitTokenRequest(String node, AdmissionAttributes attributes) {
		if (!AdmissionAttributes.CREATE.equals(attributes.operation()) || !"token".equals(attributes.subresource())) {
			return;
		}
		if (!(attributes.object() instanceof TokenRequest request)) {
			throw AdmissionDenied.forbidden(attributes, "unexpected type "
					+ (attributes.object() == null ? "null" : attributes.object().getClass().getSimpleName()));
		}
		BoundObjectReference ref = request.getSpec() == null ? null : request.getSpec().getBoundObjectRef();
		if (ref == null || !"v1".equals(ref.getApiVersion()) || !"Pod".equals(ref.getKind())
				|| isEmpty(ref.getName())) {
			throw AdmissionDenied.forbidden(attributes, "node requested token not bound to a pod");
		}
		if (isEmpty(ref.getUid())) {
			throw AdmissionDenied.forbidden(attributes, "node requested token with a pod binding without a uid");
		}
		Pod pod = this.pods.apply(attributes.namespace(), ref.getName());
		if (pod == null) {
			// Kubernetes passes on its pod lister's NotFound, worded with "pod",
			// singular.
			throw new AdmissionDenied(
					StatusResponses.failure(404, "NotFound", "pod \"" + ref.getName() + "\" not found",
							new StatusDetailsBuilder().withName(ref.getName()).withKind("pod").build()));
		}
		if (!ref.getUid().equals(pod.getMetadata().getUid())) {
			throw AdmissionDenied.forbidden(attributes, "the UID in the bound object reference (" + ref.getUid()
					+ ") does not match the UID in record. The object might have been deleted and then recreated");
		}
		if (!node.equals(nodeNameOf(pod))) {
			throw AdmissionDenied.forbidden(attributes,
					"node requested token bound to a pod scheduled on a different node");
		}
	}

	private static boolean isEmpty(String value) {
		return value == null || value.isEmpty();
	}

	private static void admitLease(String node, AdmissionAttributes attributes) {
		if (!"coordination.k8s.io".equals(attributes.group())) {
			return;
		}
		if (!NODE_LEASE_NAMESPACE.equals(attributes.namespace())) {
			throw AdmissionDenied.forbidden(attributes,
					"can only access leases in the \"" + NODE_LEASE_NAMESPACE + "\" system namespace");
		}
		String name = AdmissionAttributes.CREATE.equals(attributes.operation()) && attributes.object() != null
				? attributes.object().getMetadata().getName() : attributes.name();
		if (!node.equals(name)) {
			throw AdmissionDenied.forbidden(attributes,
					"can only access node lease with the same name as the requesting node");
		}
	}

	private static String nodeNameOf(HasMetadata object) {
		return object instanceof Pod pod && pod.getSpec() != null ? pod.getSpec().getNodeName() : null;
	}

}
