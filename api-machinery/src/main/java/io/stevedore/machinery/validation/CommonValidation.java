package io.stevedore.machinery.validation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.quantity.Quantity;
import io.stevedore.machinery.quantity.QuantityFormatException;

/**
 * Field checks shared by every kind, as in Kubernetes' pkg/apis/core/validation and
 * apimachinery's validation helpers. Each returns the errors it found (never null).
 */
public final class CommonValidation {

	public static final String IS_NEGATIVE = "must be greater than or equal to 0";

	public static final String FIELD_IMMUTABLE = "field is immutable";

	public static final String NOT_INTEGER = "must be an integer";

	private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

	private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

	/**
	 * Compares model objects as their JSON, so an empty list equals an absent one, as
	 * Kubernetes' semantic equality treats them.
	 */
	private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

	private CommonValidation() {
	}

	public static boolean semanticEquals(Object a, Object b) {
		return Objects.equals(a == null ? null : JSON.valueToTree(a), b == null ? null : JSON.valueToTree(b));
	}

	/** A deep copy of a model object, through its JSON form. */
	public static <T> T deepCopy(T value, Class<T> type) {
		return value == null ? null : JSON.convertValue(value, type);
	}

	public static <T> List<T> list(List<T> value) {
		return value == null ? List.of() : value;
	}

	public static <K, V> Map<K, V> map(Map<K, V> value) {
		return value == null ? Map.of() : value;
	}

	public static boolean isEmpty(String s) {
		return s == null || s.isEmpty();
	}

	public static String str(String s) {
		return s == null ? "" : s;
	}

	public static List<FieldError> nonNegative(Number value, FieldPath path) {
		if (value != null && value.longValue() < 0) {
			return List.of(FieldError.invalid(path.toString(), value.longValue(), IS_NEGATIVE));
		}
		return List.of();
	}

	/** {@code field is immutable}, showing the new value as Kubernetes does. */
	public static List<FieldError> immutable(Object newValue, Object oldValue, FieldPath path) {
		return immutable(newValue, oldValue, path, newValue);
	}

	public static List<FieldError> immutable(Object newValue, Object oldValue, FieldPath path, Object shown) {
		if (Objects.equals(newValue, oldValue)) {
			return List.of();
		}
		return List.of(FieldError.invalid(path.toString(), shown == null ? "null" : shown, FIELD_IMMUTABLE));
	}

	/** Each message of a string check becomes one Invalid error on the path. */
	public static List<FieldError> check(String value, FieldPath path, Function<String, List<String>> check) {
		List<FieldError> errs = new ArrayList<>();
		for (String msg : check.apply(value)) {
			errs.add(FieldError.invalid(path.toString(), value, msg));
		}
		return errs;
	}

	/** A required string in one of Kubernetes' syntaxes: Required when empty. */
	public static List<FieldError> required(String value, FieldPath path, Function<String, List<String>> check) {
		if (isEmpty(value)) {
			return List.of(FieldError.required(path.toString(), ""));
		}
		return check(value, path, check);
	}

	/** Label keys and values; the errors name the map, not the key, as Kubernetes. */
	public static List<FieldError> labels(Map<String, String> labels, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (Map.Entry<String, String> e : map(labels).entrySet()) {
			errs.addAll(check(e.getKey(), path, NameValidation::qualifiedName));
			errs.addAll(check(str(e.getValue()), path, NameValidation::labelValue));
		}
		return errs;
	}

	/** Required when empty, else one of {@code supported} (NotSupported otherwise). */
	public static List<FieldError> oneOf(String value, FieldPath path, Collection<String> supported) {
		if (isEmpty(value)) {
			return List.of(FieldError.required(path.toString(), ""));
		}
		if (!supported.contains(value)) {
			return List.of(FieldError.notSupported(path.toString(), value, supported));
		}
		return List.of();
	}

	/** When set, one of {@code supported}. */
	public static List<FieldError> optionalOneOf(String value, FieldPath path, Collection<String> supported) {
		return isEmpty(value) ? List.of() : oneOf(value, path, supported);
	}

	public static List<FieldError> portNumber(Integer port, FieldPath path) {
		List<FieldError> errs = new ArrayList<>();
		for (String msg : NameValidation.portNumber(port == null ? 0 : port)) {
			errs.add(FieldError.invalid(path.toString(), port == null ? 0 : port, msg));
		}
		return errs;
	}

	/** A port given as a number (1-65535) or as an IANA_SVC_NAME. */
	public static List<FieldError> portNumOrName(IntOrString port, FieldPath path) {
		if (port == null) {
			return List.of(FieldError.required(path.toString(), ""));
		}
		if (port.getIntVal() != null) {
			return portNumber(port.getIntVal(), path);
		}
		return check(str(port.getStrVal()), path, NameValidation::ianaSvcName);
	}

	/** Kubernetes' IsValidIP message: {@code must be a valid IP address, (e.g. ...)}. */
	public static List<FieldError> ip(String value, FieldPath path) {
		if (isIp(value)) {
			return List.of();
		}
		return List.of(FieldError.invalid(path.toString(), str(value),
				"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
	}

	public static boolean isIp(String value) {
		return isIpv4(value) || isIpv6(value);
	}

	public static boolean isIpv4(String value) {
		if (value == null) {
			return false;
		}
		var m = IPV4.matcher(value);
		if (!m.matches()) {
			return false;
		}
		for (int i = 1; i <= 4; i++) {
			// Kubernetes parses "sloppily": leading zeros are accepted.
			if (Integer.parseInt(m.group(i)) > 255) {
				return false;
			}
		}
		return true;
	}

	public static boolean isIpv6(String value) {
		if (value == null || !value.contains(":") || !IPV6_CHARS.matcher(value).matches()) {
			return false;
		}
		try {
			// Only literal characters reach here, so no DNS lookup can happen.
			InetAddress.getByName(value);
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/**
	 * A resource quantity: parseable, non-negative, and whole for resources counted in
	 * units (pods, services, ...). Returns the parsed value through the error list check;
	 * callers that need the value parse again.
	 */
	public static List<FieldError> quantity(io.fabric8.kubernetes.api.model.Quantity value, FieldPath path,
			boolean integerResource) {
		Quantity q;
		try {
			q = Quantity.of(value);
		}
		catch (QuantityFormatException ex) {
			return List.of(FieldError.invalid(path.toString(), text(value), ex.getMessage()));
		}
		List<FieldError> errs = new ArrayList<>();
		if (q.signum() < 0) {
			errs.add(FieldError.invalid(path.toString(), q.toString(), IS_NEGATIVE));
		}
		if (integerResource && q.milliValue() % 1000 != 0) {
			errs.add(FieldError.invalid(path.toString(), new GoValue(q.toString()), NOT_INTEGER));
		}
		return errs;
	}

	/**
	 * The parsed quantity, or null when it does not parse (the error is reported
	 * elsewhere).
	 */
	public static Quantity parsedOrNull(io.fabric8.kubernetes.api.model.Quantity value) {
		try {
			return value == null ? null : Quantity.of(value);
		}
		catch (QuantityFormatException ex) {
			return null;
		}
	}

	private static String text(io.fabric8.kubernetes.api.model.Quantity value) {
		return value == null ? "" : str(value.getAmount()) + str(value.getFormat());
	}

}
