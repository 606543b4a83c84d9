package io.stevedore.machinery.schema;

/**
 * Whether a map or struct is merged key by key or replaced whole: Kubernetes'
 * {@code +mapType} / {@code +structType} tags, published as
 * {@code x-kubernetes-map-type}.
 */
public enum MapType {

	/** Keys are merged and owned one by one (the default). */
	GRANULAR("granular"),

	/**
	 * The map is one value, e.g. a Service's {@code selector} or a {@code LabelSelector}.
	 */
	ATOMIC("atomic");

	private final String tag;

	MapType(String tag) {
		this.tag = tag;
	}

	/** The value of {@code x-kubernetes-map-type}. */
	public String tag() {
		return this.tag;
	}

}
