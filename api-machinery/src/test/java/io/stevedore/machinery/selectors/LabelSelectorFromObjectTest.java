package io.stevedore.machinery.selectors;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.stevedore.machinery.errors.FieldError;

import static io.stevedore.machinery.selectors.KubernetesMessages.LABEL_VALUE;
import static io.stevedore.machinery.selectors.KubernetesMessages.NAME_PART;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class LabelSelectorFromObjectTest {

	static io.fabric8.kubernetes.api.model.LabelSelector selector(Map<String, String> matchLabels,
			LabelSelectorRequirement... expressions) {
		return new LabelSelectorBuilder().withMatchLabels(matchLabels).withMatchExpressions(expressions).build();
	}

	static LabelSelectorRequirement expression(String key, String operator, String... values) {
		return new LabelSelectorRequirement(key, operator, values.length == 0 ? null : List.of(values));
	}

	@Test
	void aMissingSelectorSelectsNothingAndAnEmptyOneSelectsEverything() {
		LabelSelector nothing = LabelSelector.from(null);
		assertThat(nothing.matches(Map.of())).isFalse();
		assertThat(nothing.isEverything()).isFalse();
		assertThat(nothing.isNothing()).isTrue();
		assertThat(nothing).hasToString("");
		LabelSelector empty = LabelSelector.from(new io.fabric8.kubernetes.api.model.LabelSelector());
		assertThat(empty.isEverything()).isTrue();
		assertThat(empty.matches(Map.of("any", "thing"))).isTrue();
	}

	@Test
	void matchLabelsAndExpressionsBecomeOneSelectorSortedByKey() {
		LabelSelector selector = LabelSelector.from(selector(Map.of("tier", "web", "app", "shop"),
				expression("env", "In", "prod", "canary"), expression("legacy", "DoesNotExist"),
				expression("zone", "Exists"), expression("track", "NotIn", "beta")));
		assertThat(selector).hasToString("app=shop,env in (canary,prod),!legacy,tier=web,track notin (beta),zone");
		assertThat(selector.requirements().get(1).values()).as("values keep the order given")
			.containsExactly("prod", "canary");
		assertThat(selector.matches(Map.of("app", "shop", "tier", "web", "env", "prod", "zone", "a"))).isTrue();
		assertThat(selector.matches(Map.of("app", "shop", "tier", "web", "env", "dev", "zone", "a"))).isFalse();
		assertThat(selector.matches(Map.of("app", "shop", "tier", "web", "env", "prod", "zone", "a", "track", "beta")))
			.isFalse();
	}

	@Test
	void aMapSelectorSelectsObjectsCarryingAllItsLabels() {
		LabelSelector selector = LabelSelector.fromSet(Map.of("tier", "web", "app", "shop"));
		assertThat(selector).hasToString("app=shop,tier=web");
		assertThat(selector.matches(Map.of("app", "shop", "tier", "web", "extra", "x"))).isTrue();
		assertThat(selector.matches(Map.of("app", "shop"))).isFalse();
		assertThat(LabelSelector.fromSet(Map.of()).isEverything()).isTrue();
		assertThat(LabelSelector.fromSet(null).isEverything()).isTrue();
	}

	static Stream<Arguments> invalidSelectors() {
		return Stream.of(arguments("an operator that is not In, NotIn, Exists or DoesNotExist",
				selector(Map.of(), expression("a", "Gt", "1")), "\"Gt\" is not a valid label selector operator"),
				arguments("no operator", selector(Map.of(), expression("a", null)),
						"\"\" is not a valid label selector operator"),
				arguments("In without values", selector(Map.of(), expression("a", "In")),
						"values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"),
				arguments("Exists with values", selector(Map.of(), expression("a", "Exists", "x", "y")),
						"values: Invalid value: []string{\"x\", \"y\"}: values set must be empty for exists and "
								+ "does not exist"),
				arguments("an invalid key in matchLabels", selector(Map.of("-a", "b")),
						"key: Invalid value: \"-a\": " + NAME_PART),
				arguments("an invalid value in matchLabels", selector(Map.of("app", "-x")),
						"values[0][app]: Invalid value: \"-x\": " + LABEL_VALUE),
				arguments("an invalid key and no values", selector(Map.of(), expression("-a", "NotIn")),
						"[key: Invalid value: \"-a\": " + NAME_PART + ", values: Invalid value: []string(nil): "
								+ "for 'in', 'notin' operators, values set can't be empty]"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidSelectors")
	void anInvalidSelectorFailsWithKubernetesMessage(String description,
			io.fabric8.kubernetes.api.model.LabelSelector selector, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> LabelSelector.from(selector)).withMessage(message);
	}

	static Stream<Arguments> validation() {
		return Stream.of(
				arguments("a valid selector", selector(Map.of("app", "web"), expression("a", "In", "x")), List.of()),
				arguments(
						"In without values", selector(Map.of(), expression("a", "In")),
						List.of("spec.selector.matchExpressions[0].values: Required value: must be specified when "
								+ "`operator` is 'In' or 'NotIn'")),
				arguments("DoesNotExist with values", selector(Map.of(), expression("a", "DoesNotExist", "x")),
						List.of("spec.selector.matchExpressions[0].values: Forbidden: may not be specified when "
								+ "`operator` is 'Exists' or 'DoesNotExist'")),
				arguments("an unknown operator", selector(Map.of(), expression("a", "Gt", "1")),
						List.of("spec.selector.matchExpressions[0].operator: Invalid value: \"Gt\": "
								+ "not a valid selector operator")),
				arguments("an invalid key and value in an expression",
						selector(Map.of(), expression("a", "In", "ok"), expression("-k", "In", "ok", "-v")),
						List.of("spec.selector.matchExpressions[1].key: Invalid value: \"-k\": " + NAME_PART,
								"spec.selector.matchExpressions[1].values[1]: Invalid value: \"-v\": " + LABEL_VALUE)),
				arguments("an invalid key and value in matchLabels", selector(Map.of("-k", "-v")),
						List.of("spec.selector.matchLabels: Invalid value: \"-k\": " + NAME_PART,
								"spec.selector.matchLabels: Invalid value: \"-v\": " + LABEL_VALUE)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("validation")
	void validationReportsEachProblemWithItsFieldPath(String description,
			io.fabric8.kubernetes.api.model.LabelSelector selector, List<String> messages) {
		assertThat(LabelSelector.validate(selector, "spec.selector")).extracting(FieldError::message)
			.containsExactlyElementsOf(messages);
	}

}
