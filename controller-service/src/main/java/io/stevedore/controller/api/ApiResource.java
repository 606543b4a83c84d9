package io.stevedore.controller.api;

import java.util.List;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * One resource as discovery reports it: enough to build its REST paths and a generic
 * informer over it.
 *
 * @param group API group, empty for core
 * @param version version within the group
 * @param kind e.g. {@code ReplicaSet}
 * @param plural e.g. {@code replicasets}
 * @param namespaced whether objects live in namespaces
 * @param verbs e.g. {@code list}, {@code watch}, {@code delete}, {@code deletecollection}
 */
public record ApiResource(String group, String version, String kind, String plural, boolean namespaced,
		List<String> verbs) {

	public String apiVersion() {
		return this.group.isEmpty() ? this.version : this.group + "/" + this.version;
	}

	/** {@code replicasets.apps}, {@code pods}: the name Kubernetes uses in messages. */
	public String groupResource() {
		return this.group.isEmpty() ? this.plural : this.plural + "." + this.group;
	}

	public boolean supports(String... wanted) {
		return this.verbs.containsAll(List.of(wanted));
	}

	/**
	 * The collection path, in a namespace when the resource is namespaced and one is
	 * given.
	 */
	public String collectionPath(String namespace) {
		String root = this.group.isEmpty() ? "/api/" + this.version : "/apis/" + this.group + "/" + this.version;
		return (this.namespaced && namespace != null && !namespace.isEmpty())
				? root + "/namespaces/" + namespace + "/" + this.plural : root + "/" + this.plural;
	}

	public String objectPath(String namespace, String name) {
		return collectionPath(namespace) + "/" + name;
	}

	public ResourceDefinitionContext definitionContext() {
		return new ResourceDefinitionContext.Builder().withGroup(this.group)
			.withVersion(this.version)
			.withKind(this.kind)
			.withPlural(this.plural)
			.withNamespaced(this.namespaced)
			.build();
	}

}
