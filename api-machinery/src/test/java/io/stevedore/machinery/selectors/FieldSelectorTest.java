package io.stevedore.machinery.selectors;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.stevedore.machinery.selectors.FieldSelector.Requirement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class FieldSelectorTest {

	static Requirement eq(String field, String value) {
		return new Requirement(field, Operator.EQUALS, value);
	}

	static Requirement ne(String field, String value) {
		return new Requirement(field, Operator.NOT_EQUALS, value);
	}

	static Stream<Arguments> validSelectors() {
		return Stream.of(arguments("", List.of(), ""), arguments("a=b", List.of(eq("a", "b")), "a=b"),
				arguments("a==b", List.of(eq("a", "b")), "a=b"), arguments("a!=b", List.of(ne("a", "b")), "a!=b"),
				arguments("b=1,a=2", List.of(eq("a", "2"), eq("b", "1")), "a=2,b=1"),
				arguments("a=", List.of(eq("a", "")), "a="), arguments("a=b,", List.of(eq("a", "b")), "a=b"),
				arguments(",a=b", List.of(eq("a", "b")), "a=b"), arguments("=", List.of(), ""),
				arguments("!=", List.of(), ""), arguments("a=b\\,c", List.of(eq("a", "b,c")), "a=b\\,c"),
				arguments("a=\\=\\\\", List.of(eq("a", "=\\")), "a=\\=\\\\"),
				arguments("a!b=c", List.of(eq("a!b", "c")), "a!b=c"),
				arguments("spec.nodeName=node-1,status.phase!=Failed",
						List.of(eq("spec.nodeName", "node-1"), ne("status.phase", "Failed")),
						"spec.nodeName=node-1,status.phase!=Failed"));
	}

	@ParameterizedTest(name = "\"{0}\" parses to {1}")
	@MethodSource("validSelectors")
	void aSelectorParsesToSortedUnescapedTermsAndPrintsEscaped(String input, List<Requirement> requirements,
			String canonical) {
		FieldSelector selector = FieldSelector.parse(input);
		assertThat(selector.requirements()).containsExactlyElementsOf(requirements);
		assertThat(selector).hasToString(canonical);
		assertThat(FieldSelector.parse(canonical)).isEqualTo(selector);
		assertThat(selector.isEverything()).isEqualTo(requirements.isEmpty());
	}

	static Stream<Arguments> invalidSelectors() {
		return Stream.of(arguments("a", "invalid selector: 'a'; can't understand 'a'"),
				arguments("x=1,a", "invalid selector: 'x=1,a'; can't understand 'a'"),
				arguments("a in (b)", "invalid selector: 'a in (b)'; can't understand 'a in (b)'"),
				arguments("a=b=c", "invalid field selector: unescaped character in value: 61"),
				arguments("a==b=c", "invalid field selector: unescaped character in value: 61"),
				arguments("a=b\\x", "invalid field selector: invalid escape sequence: \\x"),
				arguments("a=b\\", "invalid field selector: invalid escape sequence: \\"));
	}

	@ParameterizedTest(name = "\"{0}\" fails with: {1}")
	@MethodSource("invalidSelectors")
	void anInvalidSelectorFailsWithKubeApiserversMessage(String input, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> FieldSelector.parse(input)).withMessage(message);
	}

	static Stream<Arguments> matching() {
		return Stream.of(arguments("", Map.of(), true), arguments("a=b", Map.of("a", "b"), true),
				arguments("a=b", Map.of("a", "c"), false), arguments("a=b", Map.of(), false),
				arguments("a=", Map.of(), true), arguments("a!=b", Map.of(), true),
				arguments("a!=b", Map.of("a", "b"), false), arguments("a!=b", Map.of("a", "c"), true),
				arguments("a=b\\,c", Map.of("a", "b,c"), true), arguments("a=1,b!=2", Map.of("a", "1", "b", "3"), true),
				arguments("a=1,b!=2", Map.of("a", "1", "b", "2"), false));
	}

	@ParameterizedTest(name = "\"{0}\" on {1}: {2}")
	@MethodSource("matching")
	void aSelectorMatchesFieldsReadingAbsentOnesAsEmpty(String selector, Map<String, String> fields, boolean expected) {
		FieldSelector parsed = FieldSelector.parse(selector);
		assertThat(parsed.matches(fields)).isEqualTo(expected);
		assertThat(parsed.matches(fields::get)).isEqualTo(expected);
	}

	@Test
	void escapingProtectsBackslashCommaAndEquals() {
		assertThat(FieldSelector.escape("a\\b,c=d")).isEqualTo("a\\\\b\\,c\\=d");
		assertThat(FieldSelector.escape("plain")).isEqualTo("plain");
		assertThat(FieldSelector.parse("x=" + FieldSelector.escape("a\\b,c=d")).requirements().get(0).value())
			.isEqualTo("a\\b,c=d");
	}

	@Test
	void anEqualityTermNamesTheValueAnIndexCanServe() {
		FieldSelector selector = FieldSelector.parse("spec.nodeName=node-1,status.phase!=Failed");
		assertThat(selector.requiresExactMatch("spec.nodeName")).isEqualTo("node-1");
		assertThat(selector.requiresExactMatch("status.phase")).isNull();
		assertThat(selector.requiresExactMatch("metadata.name")).isNull();
	}

	@Test
	void aTermOnlyComparesForEqualityOrInequality() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Requirement("a", Operator.IN, "b"))
			.withMessage("a field selector supports only = and !=, not in");
	}

}
