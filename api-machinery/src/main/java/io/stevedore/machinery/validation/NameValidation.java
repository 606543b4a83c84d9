package io.stevedore.machinery.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The string-syntax checks of k8s.io/apimachinery/pkg/util/validation. Each returns the
 * messages Kubernetes returns (empty when the value is valid), so callers wrap them into
 * field errors exactly as the apiserver does and kubectl users see the same text.
 */
public final class NameValidation {

	static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

	static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";

	static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";

	static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

	static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";

	static final String C_IDENTIFIER_FMT = "[A-Za-z_][A-Za-z0-9_]*";

	static final String ENV_VAR_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*";

	static final String CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+";

	static final String PERCENT_FMT = "[0-9]+%";

	public static final int DNS1123_LABEL_MAX_LENGTH = 63;

	public static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

	public static final int DNS1035_LABEL_MAX_LENGTH = 63;

	public static final int QUALIFIED_NAME_MAX_LENGTH = 63;

	public static final int LABEL_VALUE_MAX_LENGTH = 63;

	private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);

	private static final Pattern C_IDENTIFIER = Pattern.compile(C_IDENTIFIER_FMT);

	private static final Pattern ENV_VAR_NAME = Pattern.compile(ENV_VAR_NAME_FMT);

	private static final Pattern CONFIG_MAP_KEY = Pattern.compile(CONFIG_MAP_KEY_FMT);

	private static final Pattern PERCENT = Pattern.compile(PERCENT_FMT);

	private static final Pattern PORT_NAME_CHARSET = Pattern.compile("[-a-z0-9]+");

	private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

	private NameValidation() {
	}

	/*
	 * The four checks every object's name, labels and finalizers go through, by hand
	 * rather than by regex (a fifth of a pod's validation): each accepts exactly what its
	 * pattern above matches, and NameValidationTest compares them with the patterns.
	 */

	static boolean isDns1123Label(String value) {
		return isDns1123Label(value, 0, value.length());
	}

	/** {@link #DNS1123_LABEL_FMT} on {@code value[from, to)}. */
	private static boolean isDns1123Label(String value, int from, int to) {
		if (to <= from || !isLowerAlnum(value.charAt(from)) || !isLowerAlnum(value.charAt(to - 1))) {
			return false;
		}
		for (int i = from + 1; i < to - 1; i++) {
			char c = value.charAt(i);
			if (c != '-' && !isLowerAlnum(c)) {
				return false;
			}
		}
		return true;
	}

	static boolean isDns1123Subdomain(String value) {
		int from = 0;
		while (true) {
			int dot = value.indexOf('.', from);
			int to = (dot < 0) ? value.length() : dot;
			if (!isDns1123Label(value, from, to)) {
				return false;
			}
			if (dot < 0) {
				return true;
			}
			from = dot + 1;
		}
	}

	/** {@link #QUALIFIED_NAME_FMT}. */
	static boolean isQualifiedName(String value) {
		int n = value.length();
		if (n == 0 || !isAlnum(value.charAt(0)) || !isAlnum(value.charAt(n - 1))) {
			return false;
		}
		for (int i = 1; i < n - 1; i++) {
			char c = value.charAt(i);
			if (c != '-' && c != '_' && c != '.' && !isAlnum(c)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isLowerAlnum(char c) {
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	}

	private static boolean isAlnum(char c) {
		return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
	}

	public static List<String> dns1123Label(String value) {
		List<String> errs = new ArrayList<>();
		if (value.length() > DNS1123_LABEL_MAX_LENGTH) {
			errs.add(maxLenError(DNS1123_LABEL_MAX_LENGTH));
		}
		if (!isDns1123Label(value)) {
			if (isDns1123Subdomain(value)) {
				// A valid subdomain that is not a label: the length is checked, so it
				// must be the dots.
				errs.add("must not contain dots");
			}
			else {
				errs.add(regexError(
						"a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
								+ "or '-', and must start and end with an alphanumeric character",
						DNS1123_LABEL_FMT, "my-name", "123-abc"));
			}
		}
		return errs;
	}

	public static List<String> dns1123Subdomain(String value) {
		List<String> errs = new ArrayList<>();
		if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
			errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
		}
		if (!isDns1123Subdomain(value)) {
			errs.add(regexError(
					"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
							+ "'-' or '.', and must start and end with an alphanumeric character",
					DNS1123_SUBDOMAIN_FMT, "example.com"));
		}
		return errs;
	}

	public static List<String> dns1035Label(String value) {
		List<String> errs = new ArrayList<>();
		if (value.length() > DNS1035_LABEL_MAX_LENGTH) {
			errs.add(maxLenError(DNS1035_LABEL_MAX_LENGTH));
		}
		if (!DNS1035_LABEL.matcher(value).matches()) {
			errs.add(regexError(
					"a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
							+ "start with an alphabetic character, and end with an alphanumeric character",
					DNS1035_LABEL_FMT, "my-name", "abc-123"));
		}
		return errs;
	}

	/**
	 * A label key, annotation key or finalizer: an optional DNS subdomain prefix and '/',
	 * then a name of at most 63 characters.
	 */
	public static List<String> qualifiedName(String value) {
		List<String> errs = new ArrayList<>();
		String[] parts = value.split("/", -1);
		String name;
		if (parts.length == 1) {
			name = parts[0];
		}
		else if (parts.length == 2) {
			String prefix = parts[0];
			name = parts[1];
			if (prefix.isEmpty()) {
				errs.add("prefix part " + emptyError());
			}
			else {
				dns1123Subdomain(prefix).forEach(msg -> errs.add("prefix part " + msg));
			}
		}
		else {
			errs.add("a qualified name "
					+ regexError(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
					+ " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
			return errs;
		}
		if (name.isEmpty()) {
			errs.add("name part " + emptyError());
		}
		else if (name.length() > QUALIFIED_NAME_MAX_LENGTH) {
			errs.add("name part " + maxLenError(QUALIFIED_NAME_MAX_LENGTH));
		}
		if (!isQualifiedName(name)) {
			errs.add("name part "
					+ regexError(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
		}
		return errs;
	}

	private static final String QUALIFIED_NAME_ERR_MSG = "must consist of alphanumeric characters, '-', '_' or '.', "
			+ "and must start and end with an alphanumeric character";

	public static List<String> labelValue(String value) {
		List<String> errs = new ArrayList<>();
		if (value.length() > LABEL_VALUE_MAX_LENGTH) {
			errs.add(maxLenError(LABEL_VALUE_MAX_LENGTH));
		}
		if (!(value.isEmpty() || isQualifiedName(value))) {
			errs.add(regexError(
					"a valid label must be an empty string or consist of alphanumeric characters, '-', "
							+ "'_' or '.', and must start and end with an alphanumeric character",
					LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
		}
		return errs;
	}

	/** A named port (IANA_SVC_NAME, RFC 6335). */
	public static List<String> ianaSvcName(String port) {
		List<String> errs = new ArrayList<>();
		if (port.length() > 15) {
			errs.add(maxLenError(15));
		}
		if (!PORT_NAME_CHARSET.matcher(port).matches()) {
			errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
		}
		if (!HAS_LETTER.matcher(port).matches()) {
			errs.add("must contain at least one letter (a-z)");
		}
		if (port.contains("--")) {
			errs.add("must not contain consecutive hyphens");
		}
		if (!port.isEmpty() && (port.charAt(0) == '-' || port.charAt(port.length() - 1) == '-')) {
			errs.add("must not begin or end with a hyphen");
		}
		return errs;
	}

	public static List<String> portNumber(int port) {
		return (port >= 1 && port <= 65535) ? List.of() : List.of(inclusiveRangeError(1, 65535));
	}

	public static List<String> cIdentifier(String value) {
		if (C_IDENTIFIER.matcher(value).matches()) {
			return List.of();
		}
		return List.of(regexError(
				"a valid C identifier must start with alphabetic character or '_', followed by a "
						+ "string of alphanumeric characters or '_'",
				C_IDENTIFIER_FMT, "my_name", "MY_NAME", "MyName"));
	}

	public static List<String> envVarName(String value) {
		List<String> errs = new ArrayList<>();
		if (!ENV_VAR_NAME.matcher(value).matches()) {
			errs.add(regexError(
					"a valid environment variable name must consist of alphabetic characters, digits, "
							+ "'_', '-', or '.', and must not start with a digit",
					ENV_VAR_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1"));
		}
		errs.addAll(chDirPrefix(value));
		return errs;
	}

	/** A key of a ConfigMap's or Secret's data, which becomes a file name in volumes. */
	public static List<String> configMapKey(String value) {
		List<String> errs = new ArrayList<>();
		if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
			errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
		}
		if (!CONFIG_MAP_KEY.matcher(value).matches()) {
			errs.add(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
					CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
		}
		errs.addAll(chDirPrefix(value));
		return errs;
	}

	public static List<String> percent(String value) {
		if (PERCENT.matcher(value).matches()) {
			return List.of();
		}
		return List.of(regexError("a valid percent string must be a numeric string followed by an ending '%'",
				PERCENT_FMT, "1%", "93%"));
	}

	/**
	 * Names that become one URL path segment (RBAC objects, PersistentVolumes):
	 * apimachinery's path.IsValidPathSegmentName.
	 */
	public static List<String> pathSegmentName(String name) {
		if (name.equals(".") || name.equals("..")) {
			return List.of("may not be '" + name + "'");
		}
		List<String> errs = new ArrayList<>();
		for (String illegal : List.of("/", "%")) {
			if (name.contains(illegal)) {
				errs.add("may not contain '" + illegal + "'");
			}
		}
		return errs;
	}

	public static String emptyError() {
		return "must be non-empty";
	}

	public static String maxLenError(int length) {
		return "must be no more than " + length + " characters";
	}

	public static String inclusiveRangeError(long lo, long hi) {
		return "must be between " + lo + " and " + hi + ", inclusive";
	}

	/**
	 * Kubernetes' RegexError, including its quirk of a doubled space before each " or".
	 */
	public static String regexError(String msg, String fmt, String... examples) {
		if (examples.length == 0) {
			return msg + " (regex used for validation is '" + fmt + "')";
		}
		StringBuilder sb = new StringBuilder(msg).append(" (e.g. ");
		for (int i = 0; i < examples.length; i++) {
			if (i > 0) {
				sb.append(" or ");
			}
			sb.append('\'').append(examples[i]).append("', ");
		}
		return sb.append("regex used for validation is '").append(fmt).append("')").toString();
	}

	private static List<String> chDirPrefix(String value) {
		if (value.equals(".")) {
			return List.of("must not be '.'");
		}
		if (value.equals("..")) {
			return List.of("must not be '..'");
		}
		if (value.startsWith("..")) {
			return List.of("must not start with '..'");
		}
		return List.of();
	}

}
