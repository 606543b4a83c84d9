package io.stevedore.machinery.selectors;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.machinery.selectors.KubernetesMessages.LABEL_VALUE;
import static io.stevedore.machinery.selectors.KubernetesMessages.NAME_PART;
import static io.stevedore.machinery.selectors.KubernetesMessages.PREFIX_PART;
import static io.stevedore.machinery.selectors.KubernetesMessages.TOO_MANY_SLASHES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LabelSelectorParseTest {

	static Stream<Arguments> canonicalForms() {
		return Stream.of(arguments("", ""), arguments("x=a,y=b,z=c", "x=a,y=b,z=c"), arguments("z=c,x=a", "x=a,z=c"),
				arguments("x!=a,y=b", "x!=a,y=b"), arguments("x==a", "x==a"), arguments("x=", "x="),
				arguments("x= ", "x="), arguments("x=,z= ", "x=,z="), arguments("!x", "!x"), arguments("x", "x"),
				arguments(" y , ! x ", "!x,y"), arguments("x>1", "x>1"), arguments("x>1,z<5", "x>1,z<5"),
				arguments("x in (),y", "x in (),y"), arguments("x in (,),y", "x in (),y"),
				arguments("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
				arguments("env in ( prod , staging )", "env in (prod,staging)"),
				arguments("in in (notin,in)", "in in (in,notin)"),
				arguments("example.com/app=web", "example.com/app=web"), arguments("a=b,a=c", "a=b,a=c"),
				arguments("a\tin\n(b)", "a in (b)"));
	}

	@ParameterizedTest(name = "\"{0}\" prints as \"{1}\"")
	@MethodSource("canonicalForms")
	void aParsedSelectorPrintsItsCanonicalFormWhichParsesBackToTheSameSelector(String input, String canonical) {
		LabelSelector selector = LabelSelector.parse(input);
		assertThat(selector).hasToString(canonical);
		assertThat(LabelSelector.parse(canonical)).isEqualTo(selector).hasToString(canonical);
	}

	static Stream<Arguments> invalidSelectors() {
		String longName = "a".repeat(64);
		return Stream.of(arguments("x=a,", "found '', expected: identifier after ','"),
				arguments(",x", "found ',', expected: !, identifier, or 'end of string'"),
				arguments("x==a==b", "found '==', expected: ',' or 'end of string'"),
				arguments("!x=a", "found '=', expected: ',' or 'end of string'"),
				arguments("x=a b", "found 'b', expected: ',' or 'end of string'"),
				arguments("!", "unable to parse requirement: found '', expected: identifier"),
				arguments("x=(", "unable to parse requirement: found '(', expected: identifier"),
				arguments("x ~ y", "unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt"),
				arguments("x in a", "unable to parse requirement: found 'a' expected: '('"),
				arguments("x in", "unable to parse requirement: found '' expected: '('"),
				arguments("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
				arguments("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
				arguments("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
				arguments("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
				arguments("x<a",
						"unable to parse requirement: values[0]: Invalid value: \"a\": "
								+ "for 'Gt', 'Lt' operators, the value must be an integer"),
				arguments("x>99999999999999999999",
						"unable to parse requirement: values[0]: Invalid value: "
								+ "\"99999999999999999999\": for 'Gt', 'Lt' operators, the value must be an integer"),
				arguments("x>-1", "unable to parse requirement: values[0][x]: Invalid value: \"-1\": " + LABEL_VALUE),
				arguments("x=a||y=b",
						"unable to parse requirement: values[0][x]: Invalid value: \"a||y\": " + LABEL_VALUE),
				arguments("x in (a,-b)",
						"unable to parse requirement: values[0][x]: Invalid value: \"-b\": " + LABEL_VALUE),
				arguments("x=a\"",
						"unable to parse requirement: values[0][x]: Invalid value: \"a\\\"\": " + LABEL_VALUE),
				arguments("x=" + longName,
						"unable to parse requirement: values[0][x]: Invalid value: \"" + longName
								+ "\": must be no more than 63 characters"),
				arguments("-x", "unable to parse requirement: <nil>: Invalid value: \"-x\": " + NAME_PART),
				arguments("app:web", "unable to parse requirement: <nil>: Invalid value: \"app:web\": " + NAME_PART),
				arguments("a/b/c", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": " + TOO_MANY_SLASHES),
				arguments("Example.com/x",
						"unable to parse requirement: <nil>: Invalid value: \"Example.com/x\": " + PREFIX_PART),
				arguments("/x",
						"unable to parse requirement: <nil>: Invalid value: \"/x\": prefix part must be non-empty"),
				arguments("x/",
						"unable to parse requirement: <nil>: Invalid value: \"x/\": name part must be non-empty; "
								+ NAME_PART),
				arguments(longName, "unable to parse requirement: <nil>: Invalid value: \"" + longName
						+ "\": name part must be no more than 63 characters"));
	}

	@ParameterizedTest(name = "\"{0}\" fails with: {1}")
	@MethodSource("invalidSelectors")
	void anInvalidSelectorFailsWithKubeApiserversMessage(String input, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> LabelSelector.parse(input)).withMessage(message);
	}

	static Stream<Arguments> matching() {
		return Stream.of(arguments("", Map.of(), true), arguments("x=a", Map.of("x", "a"), true),
				arguments("x=a", Map.of("x", "b"), false), arguments("x=a", Map.of(), false),
				arguments("x==a", Map.of("x", "a"), true), arguments("x!=a", Map.of(), true),
				arguments("x!=a", Map.of("x", "a"), false), arguments("x!=a", Map.of("x", "b"), true),
				arguments("x in (a,b)", Map.of("x", "b"), true), arguments("x in (a,b)", Map.of(), false),
				arguments("x in (a,b)", Map.of("x", "c"), false), arguments("x notin (a,b)", Map.of(), true),
				arguments("x notin (a,b)", Map.of("x", "a"), false), arguments("x notin (a,b)", Map.of("x", "c"), true),
				arguments("x", Map.of("x", ""), true), arguments("x", Map.of("y", "a"), false),
				arguments("!x", Map.of(), true), arguments("!x", Map.of("x", "a"), false),
				arguments("x>1", Map.of("x", "2"), true), arguments("x>1", Map.of("x", "1"), false),
				arguments("x>1", Map.of("x", "+5"), true), arguments("x>1", Map.of("x", "abc"), false),
				arguments("x>1", Map.of("x", "٣"), false), arguments("x>1", Map.of(), false),
				arguments("x<1", Map.of("x", "-5"), true), arguments("x<1", Map.of("x", "0"), true),
				arguments("x<1", Map.of("x", "1"), false), arguments("x=", Map.of("x", ""), true),
				arguments("x=", Map.of(), false), arguments("x in ()", Map.of("x", ""), true),
				arguments("x=a,y=b", Map.of("x", "a", "y", "b"), true), arguments("x=a,y=b", Map.of("x", "a"), false));
	}

	@ParameterizedTest(name = "\"{0}\" on {1}: {2}")
	@MethodSource("matching")
	void aSelectorMatchesLabelsAsKubernetesDoes(String selector, Map<String, String> labels, boolean expected) {
		LabelSelector parsed = LabelSelector.parse(selector);
		assertThat(parsed.matches(labels)).isEqualTo(expected);
		assertThat(parsed.matches(labels::get)).isEqualTo(expected);
	}

	@Test
	void onlyTheEmptySelectorIsEverythingAndItMatchesObjectsWithoutLabels() {
		assertThat(LabelSelector.parse("").isEverything()).isTrue();
		assertThat(LabelSelector.parse(" ")).isSameAs(LabelSelector.everything());
		assertThat(LabelSelector.parse("x").isEverything()).isFalse();
		assertThat(LabelSelector.everything().matches((Map<String, String>) null)).isTrue();
		assertThat(LabelSelector.parse("!x").matches((Map<String, String>) null)).isTrue();
	}

	@Test
	void requirementsAreSortedByKeyWithSetValuesSorted() {
		LabelSelector selector = LabelSelector.parse("tier notin (db,cache),app=web");
		assertThat(selector.requirements()).extracting(LabelSelector.Requirement::key).containsExactly("app", "tier");
		assertThat(selector.requirements().get(1).operator()).isEqualTo(Operator.NOT_IN);
		assertThat(selector.requirements().get(1).values()).containsExactly("cache", "db");
	}

}
