package io.stevedore.gateway.authz;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.gateway.authn.UserInfo;
import io.stevedore.gateway.authz.PersistentVolumeSecrets.SecretName;

/**
 * Kubernetes' Node authorizer (plugin/pkg/auth/authorizer/node), for the objects it
 * guards. A node identity may
 * <ul>
 * <li>get a Secret, ConfigMap or PersistentVolumeClaim only when a pod bound to it
 * references the object ({@link PodReferences}), and not list or watch those kinds;
 * <li>also get a Secret a PersistentVolume names ({@link PersistentVolumeSecrets}) when
 * the volume's {@code spec.claimRef} names a claim such a pod references (node ← pod ←
 * pvc ← pv ← secret), in whichever namespace the volume names it;
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
 * is already there. The volumes are listed only for a Secret no pod of the namespace
 * names, as nothing indexes them by Secret. Kubernetes also guards ResourceClaims,
 * VolumeAttachments and CSINodes, which Stevedore does not serve.
 */
public final class NodeAuthorizer {

	private static final String SECRETS = "secrets";

	private static final String CLAIMS = "persistentvolumeclaims";

	private static final Set<String> READ_BY_POD = Set.of(SECRETS, "configmaps", CLAIMS);

	private static final String PERSISTENT_VOLUMES = "persistentvolumes";

	private static final String SERVICE_ACCOUNTS = "serviceaccounts";

	private final BiFunction<String, String, List<Pod>> podsOnNode;

	private final Function<String, PersistentVolume> persistentVolumes;

	private final Supplier<List<PersistentVolume>> allPersistentVolumes;

	/**
	 * @param podsOnNode the pods of a namespace whose spec.nodeName is the node
	 * @param persistentVolumes a PersistentVolume by name; null when there is none
	 * @param allPersistentVolumes every PersistentVolume
	 */
	public NodeAuthorizer(BiFunction<String, String, List<Pod>> podsOnNode,
			Function<String, PersistentVolume> persistentVolumes,
			Supplier<List<PersistentVolume>> allPersistentVolumes) {
		this.podsOnNode = podsOnNode;
		this.persistentVolumes = persistentVolumes;
		this.allPersistentVolumes = allPersistentVolumes;
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
			if (referencedByPod(node.get(), request.namespace(), resource, request.name())
					|| (SECRETS.equals(resource) && namedByVolume(node.get(), request.namespace(), request.name()))) {
				return Optional.empty();
			}
			return noRelationship(node.get());
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
		return volume != null && claimedOnNode(node, volume) ? Optional.empty() : noRelationship(node);
	}

	/**
	 * Whether a volume bound to a claim of a pod on the node names the Secret; the
	 * claim's pods are those of the claim's namespace, which need not be the Secret's.
	 */
	private boolean namedByVolume(String node, String namespace, String name) {
		SecretName secret = new SecretName(namespace, name);
		return this.allPersistentVolumes.get()
			.stream()
			.filter((volume) -> PersistentVolumeSecrets.of(volume).contains(secret))
			.anyMatch((volume) -> claimedOnNode(node, volume));
	}

	/** Whether the volume's claimRef names a claim a pod on the node references. */
	private boolean claimedOnNode(String node, PersistentVolume volume) {
		ObjectReference claim = volume.getSpec() == null ? null : volume.getSpec().getClaimRef();
		return claim != null && claim.getNamespace() != null && claim.getName() != null
				&& referencedByPod(node, claim.getNamespace(), CLAIMS, claim.getName());
	}

	/** Kubernetes' authorizeCreateToken. */
	private Optional<Decision> authorizeToken(String node, RequestInfo request) {
		if (!"create".equals(request.verb()) || request.name().isEmpty()) {
			return deny("can only create tokens for individual service accounts");
		}
		if (!"token".equals(request.subresource())) {
			return deny("can only create token subresource of serviceaccount");
		}
		return referencedByPod(node, request.namespace(), SERVICE_ACCOUNTS, request.name()) ? Optional.empty()
				: noRelationship(node);
	}

	/** Whether a pod on the node references the object. */
	private boolean referencedByPod(String node, String namespace, String resource, String name) {
		return this.podsOnNode.apply(namespace, node)
			.stream()
			.anyMatch((pod) -> node.equals(pod.getSpec().getNodeName())
					&& PodReferences.of(pod, resource).contains(name));
	}

	private static Optional<Decision> noRelationship(String node) {
		return deny("no relationship found between node '" + node + "' and this object");
	}

	private static Optional<Decision> deny(String reason) {
		return Optional.of(new Decision(false, reason));
	}

}
