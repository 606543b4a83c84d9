package io.stevedore.machinery.errors;

/**
 * One problem with one field of an object, as Kubernetes' field.Error: the type says what
 * kind of problem, the path names the field ({@code spec.containers[0].image}).
 */
public record FieldError(Type type, String field, Object badValue, String detail) {

	public static FieldError required(String field, String detail) {
		return new FieldError(Type.REQUIRED, field, null, detail);
	}

	public static FieldError invalid(String field, Object value, String detail) {
		return new FieldError(Type.INVALID, field, value, detail);
	}

	public static FieldError notSupported(String field, Object value, java.util.Collection<String> supported) {
		return new FieldError(Type.NOT_SUPPORTED, field, value,
				"supported values: " + String.join(", ", supported.stream().map(s -> "\"" + s + "\"").toList()));
	}

	public static FieldError duplicate(String field, Object value) {
		return new FieldError(Type.DUPLICATE, field, value, null);
	}

	public static FieldError forbidden(String field, String detail) {
		return new FieldError(Type.FORBIDDEN, field, null, detail);
	}

	public static FieldError notFound(String field, Object value) {
		return new FieldError(Type.NOT_FOUND, field, value, null);
	}

	public static FieldError tooLong(String field, Object value, int max) {
		return new FieldError(Type.TOO_LONG, field, value, "must have at most " + max + " bytes");
	}

	/**
	 * The text Kubernetes prints, e.g.
	 * {@code spec.replicas: Invalid value: -1: must be >= 0}.
	 */
	public String message() {
		return this.field + ": " + causeMessage();
	}

	/**
	 * The message of the Status cause, without the field (the cause carries it apart, and
	 * kubectl prints {@code field: message}), e.g.
	 * {@code Invalid value: -1: must be >= 0}.
	 */
	public String causeMessage() {
		StringBuilder sb = new StringBuilder(this.type.text);
		if (this.type.showsValue && this.badValue != null) {
			sb.append(": ").append(render(this.badValue));
		}
		if (this.detail != null && !this.detail.isEmpty()) {
			sb.append(": ").append(this.detail);
		}
		return sb.toString();
	}

	private static String render(Object value) {
		if (value instanceof String s) {
			return "\"" + s + "\"";
		}
		return String.valueOf(value);
	}

	/** The causes' reason strings are those of Kubernetes' metav1.CauseType. */
	public enum Type {

		REQUIRED("FieldValueRequired", "Required value", false), INVALID("FieldValueInvalid", "Invalid value", true),
		NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value", true),
		DUPLICATE("FieldValueDuplicate", "Duplicate value", true), FORBIDDEN("FieldValueForbidden", "Forbidden", false),
		TOO_LONG("FieldValueTooLong", "Too long", false), NOT_FOUND("FieldValueNotFound", "Not found", true);

		public final String reason;

		final String text;

		final boolean showsValue;

		Type(String reason, String text, boolean showsValue) {
			this.reason = reason;
			this.text = text;
			this.showsValue = showsValue;
		}

	}

}
