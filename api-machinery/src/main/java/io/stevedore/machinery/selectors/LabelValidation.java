package io.stevedore.machinery.selectors;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kubernetes' checks of label keys and values (k8s.io/apimachinery/pkg/util/validation,
 * as served by v1.32): each returns the problems found, worded exactly as kube-apiserver
 * words them, or an empty list when the input is valid.
 */
public final class LabelValidation {

	static final int QUALIFIED_NAME_MAX_LENGTH = 63;

	static final int LABEL_VALUE_MAX_LENGTH = 63;

	static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

	private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

	private static final String QUALIFIED_NAME_ERR = "must consist of alphanumeric characters, '-', '_' or '.', "
			+ "and must start and end with an alphanumeric character";

	private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";

	private static final String LABEL_VALUE_ERR = "a valid label must be an empty string or consist of alphanumeric "
			+ "characters, '-', '_' or '.', and must start and end with an alphanumeric character";

	private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

	private static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";

	private static final String DNS1123_SUBDOMAIN_ERR = "a lowercase RFC 1123 subdomain must consist of lower case "
			+ "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

	// Matched with Matcher.matches(): Go's "^...$" anchors the whole text, whereas a
	// Java "$" would also accept a trailing newline.
	private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);

	private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

	private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);

	private LabelValidation() {
	}

	/**
	 * A label key: an optional DNS subdomain prefix and {@code /}, then a name of at most
	 * 63 characters ({@code IsQualifiedName}).
	 */
	public static List<String> isQualifiedName(String value) {
		List<String> errors = new ArrayList<>();
		int slash = value.indexOf('/');
		String name;
		if (slash < 0) {
			name = value;
		}
		else if (value.indexOf('/', slash + 1) < 0) {
			String prefix = value.substring(0, slash);
			name = value.substring(slash + 1);
			if (prefix.isEmpty()) {
				errors.add("prefix part must be non-empty");
			}
			else {
				isDns1123Subdomain(prefix).forEach(message -> errors.add("prefix part " + message));
			}
		}
		else {
			errors.add("a qualified name "
					+ regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
					+ " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
			return errors;
		}
		if (name.isEmpty()) {
			errors.add("name part must be non-empty");
		}
		else if (GoText.byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) {
			errors.add("name part " + maxLenError(QUALIFIED_NAME_MAX_LENGTH));
		}
		if (!QUALIFIED_NAME.matcher(name).matches()) {
			errors
				.add("name part " + regexError(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
		}
		return errors;
	}

	/** A label value: empty, or at most 63 characters ({@code IsValidLabelValue}). */
	public static List<String> isValidLabelValue(String value) {
		List<String> errors = new ArrayList<>(0);
		if (GoText.byteLength(value) > LABEL_VALUE_MAX_LENGTH) {
			errors.add(maxLenError(LABEL_VALUE_MAX_LENGTH));
		}
		if (!LABEL_VALUE.matcher(value).matches()) {
			errors.add(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
		}
		return errors;
	}

	/** A lowercase RFC 1123 subdomain of at most 253 characters. */
	public static List<String> isDns1123Subdomain(String value) {
		List<String> errors = new ArrayList<>(0);
		if (GoText.byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) {
			errors.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
		}
		if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
			errors.add(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, "example.com"));
		}
		return errors;
	}

	static String maxLenError(int length) {
		return "must be no more than " + length + " characters";
	}

	// The odd double spaces ("'MyName', or 'my.name'") are Kubernetes' own.
	static String regexError(String message, String regex, String... examples) {
		StringBuilder sb = new StringBuilder(message).append(" (e.g. ");
		for (int i = 0; i < examples.length; i++) {
			sb.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
		}
		return sb.append("regex used for validation is '").append(regex).append("')").toString();
	}

}
