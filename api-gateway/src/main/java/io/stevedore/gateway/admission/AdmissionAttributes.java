package io.stevedore.gateway.admission;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.gateway.authn.UserInfo;

/**
 * What a plugin knows about one write, as Kubernetes' {@code admission.Attributes}.
 *
 * <p>
 * {@link #object()} is the object being written, typed by its kind (a {@code Pod}, a
 * {@code PersistentVolumeClaim}, a {@code Binding} for pods/binding ...), already
 * defaulted by the apiserver; mutating plugins change it in place. It is {@code null} on
 * DELETE; {@link #oldObject()} is the stored object on UPDATE and DELETE. Not
 * thread-safe: one request, one thread at a time.
 *
 * @param operation CREATE, UPDATE, DELETE or CONNECT (a PATCH is an UPDATE)
 * @param group the API group, empty for core
 * @param resource e.g. {@code pods}
 * @param subresource empty for the main resource, e.g. {@code binding}
 * @param namespace empty for cluster-scoped resources
 * @param name the object's name, empty on a create with generateName
 */
public record AdmissionAttributes(String operation, String group, String version, String resource, String subresource,
		String namespace, String name, HasMetadata object, HasMetadata oldObject, boolean dryRun, UserInfo user,
		List<String> warnings) {

	public static final String CREATE = "CREATE";

	public static final String UPDATE = "UPDATE";

	public static final String DELETE = "DELETE";

	public static final String CONNECT = "CONNECT";

	public AdmissionAttributes {
		group = group == null ? "" : group;
		subresource = subresource == null ? "" : subresource;
		namespace = namespace == null ? "" : namespace;
		name = name == null ? "" : name;
		warnings = warnings == null ? new ArrayList<>() : warnings;
	}

	/** Adds a text the client gets as a {@code Warning: 299 - "..."} header. */
	public void warn(String text) {
		if (!this.warnings.contains(text)) {
			this.warnings.add(text);
		}
	}

	/**
	 * {@code group/resource[/subresource]}, the key of
	 * {@link AdmissionPlugin#resources()}.
	 */
	public String resourceKey() {
		return this.subresource.isEmpty() ? this.group + "/" + this.resource
				: this.group + "/" + this.resource + "/" + this.subresource;
	}

	/**
	 * Whether this is a write of the main resource {@code group/resource} (no
	 * subresource).
	 */
	public boolean isMainResource(String group, String resource) {
		return this.subresource.isEmpty() && this.group.equals(group) && this.resource.equals(resource);
	}

	/**
	 * The name Kubernetes puts in a refusal: the request's, else the object's, else its
	 * generateName.
	 */
	public String displayName() {
		if (!this.name.isEmpty()) {
			return this.name;
		}
		if (this.object != null && this.object.getMetadata() != null) {
			String objectName = this.object.getMetadata().getName();
			if (objectName != null && !objectName.isEmpty()) {
				return objectName;
			}
			String generateName = this.object.getMetadata().getGenerateName();
			return generateName == null ? "" : generateName;
		}
		return "";
	}

	/**
	 * {@code resource} or {@code resource.group}, as Kubernetes' GroupResource prints.
	 */
	public String groupResource() {
		return this.group.isEmpty() ? this.resource : this.resource + "." + this.group;
	}

}
