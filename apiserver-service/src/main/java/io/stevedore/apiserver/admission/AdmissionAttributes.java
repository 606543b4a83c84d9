package io.stevedore.apiserver.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.machinery.registry.ResourceType;

/**
 * One write as admission sees it (Kubernetes' {@code admission.Attributes}).
 *
 * @param operation CREATE, UPDATE, DELETE or CONNECT; a PATCH is an UPDATE
 * @param type the resource addressed
 * @param subresource empty for the main resource
 * @param namespace empty for cluster-scoped resources
 * @param name empty on a create that generates the name
 * @param object the new object (null on DELETE); for pods/binding the Binding, for
 * pods/eviction the Eviction
 * @param oldObject the stored object on UPDATE and DELETE
 */
public record AdmissionAttributes(String operation, ResourceType type, String subresource, String namespace,
		String name, HasMetadata object, HasMetadata oldObject, boolean dryRun, AdmissionUser user) {

	public static final String CREATE = "CREATE";

	public static final String UPDATE = "UPDATE";

	public static final String DELETE = "DELETE";

	public AdmissionAttributes {
		subresource = subresource == null ? "" : subresource;
		namespace = namespace == null ? "" : namespace;
		name = name == null ? "" : name;
		user = user == null ? AdmissionUser.LOOPBACK : user;
	}

	/** {@code group/resource[/subresource]}, the form the admission endpoint lists. */
	public String resourceKey() {
		String key = this.type.group() + "/" + this.type.plural();
		return this.subresource.isEmpty() ? key : key + "/" + this.subresource;
	}

}
