package io.stevedore.controller.namespace;

import java.util.List;

import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stevedore.controller.api.ApiResource;

/**
 * The namespace controller's side effects on the API, behind an interface so its
 * decisions are unit-tested against a fake.
 */
public interface NamespaceContent {

	/** Every resource the server serves, from discovery. */
	List<ApiResource> resources();

	/** DELETE of the whole collection in the namespace (background propagation). */
	void deleteCollection(ApiResource resource, String namespace);

	/** DELETE of one object, for resources without deletecollection. */
	void delete(ApiResource resource, String namespace, String name);

	/** The metadata of what is left of the resource in the namespace. */
	List<ObjectMeta> list(ApiResource resource, String namespace);

	/** PUT namespaces/{name}/finalize with these spec.finalizers. */
	void finalizeNamespace(String name, List<String> finalizers);

	/** Writes status.conditions through namespaces/{name}/status. */
	void updateConditions(String name, List<NamespaceCondition> conditions);

}
