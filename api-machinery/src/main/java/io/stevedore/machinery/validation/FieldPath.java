package io.stevedore.machinery.validation;

/**
 * A path to a field, printed as Kubernetes' field.Path:
 * {@code spec.containers[0].resources.limits[cpu]}. Immutable; each step returns a new
 * path so a parent can be shared by its children.
 */
public final class FieldPath {

	private final String text;

	private FieldPath(String text) {
		this.text = text;
	}

	public static FieldPath root(String name) {
		return new FieldPath(name);
	}

	public FieldPath child(String name, String... more) {
		StringBuilder sb = new StringBuilder(this.text).append('.').append(name);
		for (String m : more) {
			sb.append('.').append(m);
		}
		return new FieldPath(sb.toString());
	}

	public FieldPath index(int i) {
		return new FieldPath(this.text + "[" + i + "]");
	}

	public FieldPath key(String key) {
		return new FieldPath(this.text + "[" + key + "]");
	}

	@Override
	public String toString() {
		return this.text;
	}

}
