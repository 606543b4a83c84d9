package io.stevedore.machinery.registry;

import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One REST resource the apiserver serves: where it lives in the URL space, what it is
 * called, which Java type (from fabric8's kubernetes-model) holds it, and which
 * subresources it has.
 *
 * @param group API group, empty for the core group
 * @param version API version within the group
 * @param kind the object kind, e.g. {@code Deployment}
 * @param plural the resource name in URLs, e.g. {@code deployments}
 * @param singular e.g. {@code deployment}
 * @param namespaced whether objects live in a namespace
 * @param shortNames e.g. {@code deploy}
 * @param categories e.g. {@code all}
 * @param subresources e.g. {@code status}, {@code scale}
 * @param javaType the fabric8 model class
 */
public record ResourceType(String group, String version, String kind, String plural, String singular,
		boolean namespaced, List<String> shortNames, List<String> categories, Set<String> subresources,
		Class<? extends HasMetadata> javaType) {

	public static final List<String> STANDARD_VERBS = List.of("create", "delete", "deletecollection", "get", "list",
			"patch", "update", "watch");

	/** {@code v1} for the core group, else {@code group/version}. */
	public String apiVersion() {
		return this.group.isEmpty() ? this.version : this.group + "/" + this.version;
	}

	public String listKind() {
		return this.kind + "List";
	}

	/**
	 * {@code deployments.apps}, or {@code pods} for the core group: the name used in
	 * messages.
	 */
	public String groupResource() {
		return this.group.isEmpty() ? this.plural : this.plural + "." + this.group;
	}

	public boolean hasSubresource(String name) {
		return this.subresources.contains(name);
	}

	/** The store key prefix of all objects of this resource, ending with a slash. */
	public String keyPrefix() {
		return "/registry/" + (this.group.isEmpty() ? "core" : this.group) + "/" + this.plural + "/";
	}

	/**
	 * The store key prefix of the objects in one namespace (or all, for cluster-scoped).
	 */
	public String keyPrefix(String namespace) {
		return (this.namespaced && namespace != null && !namespace.isEmpty()) ? keyPrefix() + namespace + "/"
				: keyPrefix();
	}

	/** The store key of one object. */
	public String key(String namespace, String name) {
		return this.namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
	}

	/** The verbs of a subresource, as discovery reports them. */
	public static List<String> subresourceVerbs(String subresource) {
		return switch (subresource) {
			case "binding", "eviction" -> List.of("create");
			case "finalize" -> List.of("update");
			case "log" -> List.of("get");
			case "exec", "attach", "portforward" -> List.of("create", "get");
			default -> List.of("get", "patch", "update");
		};
	}

	/** The Kind a subresource speaks in discovery ({@code Scale} for scale, etc.). */
	public String subresourceKind(String subresource) {
		return switch (subresource) {
			case "scale" -> "Scale";
			case "binding" -> "Binding";
			case "eviction" -> "Eviction";
			// kube-apiserver's LogREST speaks Pod; the streaming ones their options.
			case "exec", "attach", "portforward" ->
				"Pod" + Character.toUpperCase(subresource.charAt(0)) + subresource.substring(1) + "Options";
			default -> this.kind;
		};
	}

}
