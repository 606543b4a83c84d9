package io.stevedore.machinery.schema;

/**
 * A strategic merge patch strategy of a field: Kubernetes' {@code patchStrategy} struct
 * tag, published as {@code x-kubernetes-patch-strategy}. A field without one is replaced
 * by the patch value (lists) or merged key by key (maps and structs).
 */
public enum PatchStrategy {

	/** Lists merge element by element: by {@code patchMergeKey}, or as a set. */
	MERGE("merge"),

	/** The patch value replaces the field. */
	REPLACE("replace"),

	/**
	 * A {@code $retainKeys} directive in the patch clears the keys it does not list (used
	 * on unions such as a volume's source or a Deployment's strategy).
	 */
	RETAIN_KEYS("retainKeys");

	private final String tag;

	PatchStrategy(String tag) {
		this.tag = tag;
	}

	/** The tag as Kubernetes spells it. */
	public String tag() {
		return this.tag;
	}

}
