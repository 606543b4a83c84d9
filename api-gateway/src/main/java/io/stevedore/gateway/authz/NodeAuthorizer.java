package io.stevedore.gateway.authz;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.gateway.authn.UserInfo;

/**
 * Kubernetes' Node authorizer (plugin/pkg/auth/authorizer/node), for the objects it
 * guards. A node identity may
 * <ul>
 * <li>get a Secret, ConfigMap or PersistentVolumeClaim only when a pod bound to it
 * references the object ({@link PodReferences}), and not list or watch those kinds;
 * <li>get a PersistentVolume only when its {@code spec.claimRef} names a claim such a pod
 * references (node ← pod ← pvc ← pv), and nothing else of PersistentVolumes;
 * <li>create a token ({@code serviceaccounts/token}) only for the ServiceAccount of such
 * a pod, and nothing else of ServiceAccounts. That the token is bound to that pod is
 * NodeRestriction's part.
 * </ul>
 * Anything else it leaves to RBAC (the {@code system:node} role). Kubernetes' authorizer
 * keeps a graph of pods and volumes from informers; here the node's pods of the namespace
 * (and the volume, by name) are read from the apiserver when a node asks for such an
 * object, which a node agent does a few times per pod start, so a pod bound a moment ago
 * is already there. Kubernetes also guards ResourceClaims, VolumeAttachments and
 * CSINodes, which Stevedore does not serve.
 */
public final class NodeAuthorizer {

	private static final Set<String> READ_BY_POD = Set.of("secrets", "configmaps", "persistentvolumeclaims");

	private static final String PERSISTENT_VOLUMES = "persistentvolumes";

	private static final String SERVICE_ACCOUNTS = "serviceaccounts";

	private final BiFunction<String, String, List<Pod>> podsOnNode;

	private final Function<String, PersistentVolume> persistentVolumes;

	/**
	 * @param podsOnNode the pods of a namespace whose spec.nodeName is the node
	 * @param persistentVolumes a PersistentVolume by name; null when there is none
	 */
	public NodeAuthorizer(BiFunction<String, String, List<Pod>> podsOnNode,
			Function<String, PersistentVolume> persistentVolumes) {
		this.podsOnNode = podsOnNode;
		this.persistentVolumes = persistentVolumes;
	}

	/**
	 * @return a denial with Kubernetes' reason; empty when RBAC decides
	 */
	public Optional<Decision> authorize(UserInfo user, RequestInfo request) {
		Optional<String> node = NodeIdentity.nodeName(user);
		if (node.isEmpty() || !request.resourceRequest() || !request.apiGroup().isEmpty()) {
			return Optional.empty();
		}
		String resource = request.resource();
		if (READ_BY_POD.contains(resource) && request.subresource().isEmpty()) {
			if (!"get".equals(request.verb()) || request.name().isEmpty()) {
				return deny("can only get individual resources of this type");
			}
			return related(node.get(), request.namespace(), resource, request.name());
		}
		if (PERSISTENT_VOLUMES.equals(resource)) {
			return authorizePersistentVolume(node.get(), request);
		}
		if (SERVICE_ACCOUNTS.equals(resource)) {
			return authorizeToken(node.get(), request);
		}
		return Optional.empty();
	}

	/** Kubernetes' authorizeGet, from the volume to its claim. */
	private Optional<Decision> authorizePersistentVolume(String node, RequestInfo request) {
		if (!"get".equals(request.verb())) {
			return deny("can only get individual resources of this type");
		}
		if (!request.subresource().isEmpty()) {
			return deny("cannot get subresource");
		}
		if (request.name().isEmpty()) {
			return deny("No Object name found");
		}
		PersistentVolume volume = this.persistentVolumes.apply(request.name());
		ObjectReference claim = volume == null || volume.getSpec() == null ? null : volume.getSpec().getClaimRef();
		if (claim == null || claim.getNamespace() == null || claim.getName() == null) {
			return noRelationship(node);
		}
		return related(node, claim.getNamespace(), "persistentvolumeclaims", claim.getName());
	}

	/** Kubernetes' authorizeCreateToken. */
	private Optional<Decision> authorizeToken(String node, RequestInfo request) {
		if (!"create".equals(request.verb()) || request.name().isEmpty()) {
			return deny("can only create tokens for individual service accounts");
		}
		if (!"token".equals(request.subresource())) {
			return deny("can only create token subresource of serviceaccount");
		}
		return related(node, request.namespace(), SERVICE_ACCOUNTS, request.name());
	}

	/**
	 * Empty (allowed, as far as this authorizer goes) when a pod on the node references
	 * it.
	 */
	private Optional<Decision> related(String node, String namespace, String resource, String name) {
		boolean related = this.podsOnNode.apply(namespace, node)
			.stream()
			.anyMatch((pod) -> node.equals(pod.getSpec().getNodeName())
					&& PodReferences.of(pod, resource).contains(name));
		return related ? Optional.empty() : noRelationship(node);
	}

	private static Optional<Decision> noRelationship(String node) {
		return deny("no relationship found between node '" + node + "' and this object");
	}

	private static Optional<Decision> deny(String reason) {
		return Optional.of(new Decision(false, reason));
	}

}
