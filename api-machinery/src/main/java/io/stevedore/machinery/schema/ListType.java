package io.stevedore.machinery.schema;

/**
 * How a list is merged and owned field by field: Kubernetes' {@code +listType} tag,
 * published as {@code x-kubernetes-list-type}.
 */
public enum ListType {

	/** The list is one value: replaced as a whole, owned as a whole (the default). */
	ATOMIC("atomic"),

	/** Scalar elements, each unique, merged and owned one by one (e.g. finalizers). */
	SET("set"),

	/** Object elements identified by {@code listMapKeys} (e.g. containers by name). */
	MAP("map");

	private final String tag;

	ListType(String tag) {
		this.tag = tag;
	}

	/** The value of {@code x-kubernetes-list-type}. */
	public String tag() {
		return this.tag;
	}

}
