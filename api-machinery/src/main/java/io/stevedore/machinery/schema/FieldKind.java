package io.stevedore.machinery.schema;

/** The JSON shape of a value, as the OpenAPI schema and structured-merge-diff see it. */
public enum FieldKind {

	/** A struct with named fields, e.g. {@code PodSpec}. */
	OBJECT,

	/** A JSON array, e.g. {@code containers}. */
	LIST,

	/** A string-keyed map of one element type, e.g. {@code labels}. */
	MAP,

	/**
	 * A leaf: strings, numbers, booleans, and the types Kubernetes serializes as strings
	 * or numbers ({@code Quantity}, {@code IntOrString}, times, durations) or leaves
	 * untyped.
	 */
	SCALAR

}
