package io.stevedore.machinery.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class NameValidationTest {

	public static final String SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
			+ "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
			+ "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

	public static final String LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
			+ "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
			+ "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

	public static final String DNS1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
			+ "with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
			+ "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

	public static final String QUALIFIED_NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and "
			+ "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
			+ "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

	public static final String LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, "
			+ "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
			+ "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

	public static final String ENV = "a valid environment variable name must consist of alphabetic characters, digits, '_', "
			+ "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
			+ "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

	static Stream<Arguments> cases() {
		Function<String, List<String>> subdomain = NameValidation::dns1123Subdomain;
		Function<String, List<String>> label = NameValidation::dns1123Label;
		Function<String, List<String>> dns1035 = NameValidation::dns1035Label;
		Function<String, List<String>> qualified = NameValidation::qualifiedName;
		Function<String, List<String>> value = NameValidation::labelValue;
		Function<String, List<String>> port = NameValidation::ianaSvcName;
		Function<String, List<String>> env = NameValidation::envVarName;
		Function<String, List<String>> cId = NameValidation::cIdentifier;
		Function<String, List<String>> key = NameValidation::configMapKey;
		return Stream.of(Arguments.of("a subdomain may contain dots", subdomain, "web.example.com", List.of()),
				Arguments.of("a subdomain may not contain an underscore", subdomain, "Web_1", List.of(SUBDOMAIN)),
				Arguments.of("a subdomain is at most 253 characters", subdomain, "a".repeat(254),
						List.of("must be no more than 253 characters")),
				Arguments.of("a label may not contain dots", label, "a.b", List.of("must not contain dots")),
				Arguments.of("a label may not end with a dash", label, "web-", List.of(LABEL)),
				Arguments.of("a label is at most 63 characters", label, "a".repeat(64),
						List.of("must be no more than 63 characters")),
				Arguments.of("a DNS-1035 label starts with a letter", dns1035, "1web", List.of(DNS1035)),
				Arguments.of("a DNS-1035 label accepts a typical service name", dns1035, "my-svc", List.of()),
				Arguments.of("a qualified name may have a subdomain prefix", qualified, "app.kubernetes.io/name",
						List.of()),
				Arguments.of("a qualified name's name part is checked", qualified, "-bad",
						List.of(QUALIFIED_NAME_PART)),
				Arguments.of("a qualified name's prefix must not be empty", qualified, "/name",
						List.of("prefix part must be non-empty")),
				Arguments.of("a qualified name's prefix is a subdomain", qualified, "Example.com/name",
						List.of("prefix part " + SUBDOMAIN)),
				Arguments.of("a qualified name has at most one slash", qualified, "a/b/c",
						List.of("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
								+ "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
								+ "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
								+ " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")),
				Arguments.of("a label value may be empty", value, "", List.of()),
				Arguments.of("a label value may not contain a space", value, "a b", List.of(LABEL_VALUE)),
				Arguments.of("a port name is at most 15 characters", port, "abcdefghijklmnop",
						List.of("must be no more than 15 characters")),
				Arguments.of("a port name needs a letter", port, "8080",
						List.of("must contain at least one letter (a-z)")),
				Arguments.of("a port name has no double hyphen", port, "a--b",
						List.of("must not contain consecutive hyphens")),
				Arguments.of("a port name has no edge hyphen", port, "-http",
						List.of("must not begin or end with a hyphen")),
				Arguments.of("a port name is lowercase", port, "HTTP",
						List.of("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
								"must contain at least one letter (a-z)")),
				Arguments.of("an env var name may contain dots and dashes", env, "my.env-NAME", List.of()),
				Arguments.of("an env var name may not start with a digit", env, "1VAR", List.of(ENV)),
				Arguments.of("an env var name may not be '..'", env, "..", List.of("must not be '..'")),
				Arguments.of("a C identifier has no dashes", cId, "my-name",
						List.of("a valid C identifier must start with alphabetic character or '_', followed by a "
								+ "string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or "
								+ "'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')")),
				Arguments.of("a config key has no slash", key, "a/b",
						List.of("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
								+ "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
								+ "'[-._a-zA-Z0-9]+')")),
				Arguments.of("a config key may not start with '..'", key, "..data",
						List.of("must not start with '..'")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void returnsKubernetesMessages(String name, Function<String, List<String>> check, String value,
			List<String> expected) {
		assertThat(check.apply(value)).containsExactlyElementsOf(expected);
	}

	/**
	 * The hand-written checks accept exactly what Kubernetes' patterns match: every
	 * string of up to four characters over an alphabet of each character class's edges,
	 * and random longer ones.
	 */
	@org.junit.jupiter.api.Test
	void handWrittenChecksMatchThePatterns() {
		java.util.regex.Pattern label = java.util.regex.Pattern.compile(NameValidation.DNS1123_LABEL_FMT);
		java.util.regex.Pattern subdomain = java.util.regex.Pattern.compile(NameValidation.DNS1123_SUBDOMAIN_FMT);
		java.util.regex.Pattern qualified = java.util.regex.Pattern.compile(NameValidation.QUALIFIED_NAME_FMT);
		String alphabet = "az09AZ-._/ é`{@[";
		List<String> values = new java.util.ArrayList<>(List.of(""));
		for (int length = 1; length <= 4; length++) {
			List<String> longer = new java.util.ArrayList<>();
			for (String v : values) {
				if (v.length() == length - 1) {
					for (char c : alphabet.toCharArray()) {
						longer.add(v + c);
					}
				}
			}
			values.addAll(longer);
		}
		java.util.Random random = new java.util.Random(42);
		for (int i = 0; i < 20_000; i++) {
			StringBuilder sb = new StringBuilder();
			for (int n = 5 + random.nextInt(20); n > 0; n--) {
				sb.append(alphabet
					.charAt(random.nextInt(6) == 0 ? random.nextInt(alphabet.length()) : random.nextInt(7)));
			}
			values.add(sb.toString());
		}
		for (String v : values) {
			assertThat(NameValidation.isDns1123Label(v)).as("label %s", v).isEqualTo(label.matcher(v).matches());
			assertThat(NameValidation.isDns1123Subdomain(v)).as("subdomain %s", v)
				.isEqualTo(subdomain.matcher(v).matches());
			assertThat(NameValidation.isQualifiedName(v)).as("qualified name %s", v)
				.isEqualTo(qualified.matcher(v).matches());
		}
	}

}
