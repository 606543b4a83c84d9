package io.stevedore.machinery.selectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.stevedore.machinery.errors.FieldError;

/**
 * A label selector, with the semantics of k8s.io/apimachinery/pkg/labels: the AND of
 * requirements sorted by key. Parse it once per request ({@link #parse} for the
 * {@code labelSelector} query parameter, {@link #from} for an object's
 * {@code spec.selector}), then call {@link #matches} for every candidate object; matching
 * allocates nothing.
 * <p>
 * Instances are immutable and safe to share between threads.
 */
public final class LabelSelector {

	private static final LabelSelector EVERYTHING = new LabelSelector(new Requirement[0], false);

	private static final LabelSelector NOTHING = new LabelSelector(new Requirement[0], true);

	private final Requirement[] requirements;

	private final boolean nothing;

	private LabelSelector(Requirement[] requirements, boolean nothing) {
		this.requirements = requirements;
		this.nothing = nothing;
	}

	/** Matches every object; what an empty selector string parses to. */
	public static LabelSelector everything() {
		return EVERYTHING;
	}

	/** Matches no object; what a missing (null) {@code spec.selector} converts to. */
	public static LabelSelector nothing() {
		return NOTHING;
	}

	/**
	 * Parses the query-string form, e.g.
	 * {@code app=web,tier!=db,env in (prod,staging),!canary,replicas>2}.
	 * @throws IllegalArgumentException with kube-apiserver's message, e.g.
	 * {@code unable to parse requirement: found '', expected: identifier}
	 */
	public static LabelSelector parse(String selector) {
		Objects.requireNonNull(selector, "selector");
		List<Requirement> parsed = new LabelSelectorParser(selector).parse();
		return of(parsed);
	}

	/**
	 * Converts an API object's selector, as Kubernetes' {@code LabelSelectorAsSelector}:
	 * null selects nothing, an empty one everything.
	 * @throws IllegalArgumentException for an unknown operator or an invalid key or
	 * value, with Kubernetes' message, e.g.
	 * {@code "Gt" is not a valid label selector operator}
	 */
	public static LabelSelector from(io.fabric8.kubernetes.api.model.LabelSelector selector) {
		if (selector == null) {
			return NOTHING;
		}
		Map<String, String> matchLabels = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
		List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of()
				: selector.getMatchExpressions();
		if (matchLabels.isEmpty() && expressions.isEmpty()) {
			return EVERYTHING;
		}
		List<Requirement> result = new ArrayList<>(matchLabels.size() + expressions.size());
		// Go ranges over the map in random order; sorting makes the first error reported
		// deterministic.
		new TreeMap<>(matchLabels).forEach((key, value) -> result
			.add(Requirement.create(key, Operator.EQUALS, List.of(value == null ? "" : value))));
		for (LabelSelectorRequirement expression : expressions) {
			Operator operator = switch (String.valueOf(expression.getOperator())) {
				case "In" -> Operator.IN;
				case "NotIn" -> Operator.NOT_IN;
				case "Exists" -> Operator.EXISTS;
				case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
				default ->
					throw new IllegalArgumentException(GoText.quote(Objects.toString(expression.getOperator(), ""))
							+ " is not a valid label selector operator");
			};
			List<String> values = expression.getValues() == null || expression.getValues().isEmpty() ? null
					: List.copyOf(expression.getValues());
			result.add(Requirement.create(Objects.toString(expression.getKey(), ""), operator, values));
		}
		return of(result);
	}

	/**
	 * Selects objects carrying all these labels, as Kubernetes' {@code SelectorFromSet}
	 * used for map selectors such as a Service's {@code spec.selector}: null or empty
	 * selects everything. The set is not validated (API validation already did).
	 */
	public static LabelSelector fromSet(Map<String, String> labels) {
		if (labels == null || labels.isEmpty()) {
			return EVERYTHING;
		}
		List<Requirement> result = new ArrayList<>(labels.size());
		labels.forEach((key, value) -> result.add(new Requirement(key, Operator.EQUALS, List.of(value))));
		return of(result);
	}

	/**
	 * Validates an API object's selector as Kubernetes' {@code ValidateLabelSelector}
	 * does for workloads, e.g. {@code spec.selector.matchExpressions[0].values: Required
	 * value: ...}.
	 * @param fieldPath the path of the selector in the object, e.g. {@code spec.selector}
	 */
	public static List<FieldError> validate(io.fabric8.kubernetes.api.model.LabelSelector selector, String fieldPath) {
		List<FieldError> errors = new ArrayList<>();
		if (selector == null) {
			return errors;
		}
		if (selector.getMatchLabels() != null) {
			String path = fieldPath + ".matchLabels";
			new TreeMap<>(selector.getMatchLabels()).forEach((key, value) -> {
				LabelValidation.isQualifiedName(key).forEach(m -> errors.add(FieldError.invalid(path, key, m)));
				String v = value == null ? "" : value;
				LabelValidation.isValidLabelValue(v).forEach(m -> errors.add(FieldError.invalid(path, v, m)));
			});
		}
		List<LabelSelectorRequirement> expressions = selector.getMatchExpressions() == null ? List.of()
				: selector.getMatchExpressions();
		for (int i = 0; i < expressions.size(); i++) {
			validateRequirement(expressions.get(i), fieldPath + ".matchExpressions[" + i + "]", errors);
		}
		return errors;
	}

	private static void validateRequirement(LabelSelectorRequirement requirement, String path,
			List<FieldError> errors) {
		List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
		String operator = Objects.toString(requirement.getOperator(), "");
		switch (operator) {
			case "In", "NotIn" -> {
				if (values.isEmpty()) {
					errors.add(FieldError.required(path + ".values",
							"must be specified when `operator` is 'In' or 'NotIn'"));
				}
			}
			case "Exists", "DoesNotExist" -> {
				if (!values.isEmpty()) {
					errors.add(FieldError.forbidden(path + ".values",
							"may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
				}
			}
			default -> errors.add(FieldError.invalid(path + ".operator", operator, "not a valid selector operator"));
		}
		String key = Objects.toString(requirement.getKey(), "");
		LabelValidation.isQualifiedName(key).forEach(m -> errors.add(FieldError.invalid(path + ".key", key, m)));
		for (int i = 0; i < values.size(); i++) {
			String value = Objects.toString(values.get(i), "");
			String valuePath = path + ".values[" + i + "]";
			LabelValidation.isValidLabelValue(value).forEach(m -> errors.add(FieldError.invalid(valuePath, value, m)));
		}
	}

	private static LabelSelector of(List<Requirement> requirements) {
		if (requirements.isEmpty()) {
			return EVERYTHING;
		}
		Requirement[] sorted = requirements.toArray(new Requirement[0]);
		// Stable, like Go's insertion sort for the short lists selectors are.
		Arrays.sort(sorted, (a, b) -> GoText.compare(a.key, b.key));
		return new LabelSelector(sorted, false);
	}

	/**
	 * Whether an object with these labels is selected; {@code null} means no labels.
	 */
	public boolean matches(Map<String, String> labels) {
		if (this.nothing) {
			return false;
		}
		Map<String, String> ls = labels == null ? Map.of() : labels;
		for (Requirement requirement : this.requirements) {
			if (!requirement.matches(ls.get(requirement.key))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether an object is selected, its labels read through {@code labels} (key to
	 * value, null when absent), e.g. straight from a JSON tree.
	 */
	public boolean matches(Function<String, String> labels) {
		if (this.nothing) {
			return false;
		}
		for (Requirement requirement : this.requirements) {
			if (!requirement.matches(labels.apply(requirement.key))) {
				return false;
			}
		}
		return true;
	}

	/** Whether this selector does not restrict the selection ({@code Empty()}). */
	public boolean isEverything() {
		return !this.nothing && this.requirements.length == 0;
	}

	/** Whether this is {@link #nothing()}. */
	public boolean isNothing() {
		return this.nothing;
	}

	/** The requirements, sorted by key. */
	public List<Requirement> requirements() {
		return Collections.unmodifiableList(Arrays.asList(this.requirements));
	}

	/**
	 * The canonical string form, which {@link #parse} reads back to an equal selector:
	 * requirements sorted by key, values of a set sorted. Empty for everything and for
	 * nothing, as in Kubernetes.
	 */
	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < this.requirements.length; i++) {
			sb.append(i == 0 ? "" : ",").append(this.requirements[i]);
		}
		return sb.toString();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof LabelSelector that && this.nothing == that.nothing
				&& Arrays.equals(this.requirements, that.requirements);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.requirements) * 31 + Boolean.hashCode(this.nothing);
	}

	/**
	 * One condition on one label: a key, an operator and its values (none for
	 * {@code exists} and {@code !}, one for {@code =}, {@code gt}, ..., one or more for
	 * {@code in} and {@code notin}).
	 */
	public static final class Requirement {

		private final String key;

		private final Operator operator;

		private final List<String> values;

		// Compiled for matching without allocation.
		private final String[] valueArray;

		private final long bound;

		private Requirement(String key, Operator operator, List<String> values) {
			this.key = key;
			this.operator = operator;
			this.values = values;
			this.valueArray = values.toArray(new String[0]);
			this.bound = (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN)
					? GoText.parseInt64(this.valueArray[0]) : 0;
		}

		/**
		 * Kubernetes' {@code NewRequirement}: validates the key, the values and their
		 * number for the operator; {@code values} null is Go's nil slice.
		 */
		static Requirement create(String key, Operator operator, List<String> values) {
			List<String> errors = new ArrayList<>(0);
			List<String> keyErrors = LabelValidation.isQualifiedName(key);
			if (!keyErrors.isEmpty()) {
				errors.add(SelectorErrors.invalid("key", GoText.quote(key), String.join("; ", keyErrors)));
			}
			List<String> vals = values == null ? List.of() : values;
			switch (operator) {
				case IN, NOT_IN -> {
					if (vals.isEmpty()) {
						errors.add(SelectorErrors.invalid("values", GoText.sliceLiteral(values),
								"for 'in', 'notin' operators, values set can't be empty"));
					}
				}
				case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
					if (vals.size() != 1) {
						errors.add(SelectorErrors.invalid("values", GoText.sliceLiteral(values),
								"exact-match compatibility requires one single value"));
					}
				}
				case EXISTS, DOES_NOT_EXIST -> {
					if (!vals.isEmpty()) {
						errors.add(SelectorErrors.invalid("values", GoText.sliceLiteral(values),
								"values set must be empty for exists and does not exist"));
					}
				}
				case GREATER_THAN, LESS_THAN -> {
					if (vals.size() != 1) {
						errors.add(SelectorErrors.invalid("values", GoText.sliceLiteral(values),
								"for 'Gt', 'Lt' operators, exactly one value is required"));
					}
					for (int i = 0; i < vals.size(); i++) {
						if (!GoText.isInt64(vals.get(i))) {
							errors.add(SelectorErrors.invalid("values[" + i + "]", GoText.quote(vals.get(i)),
									"for 'Gt', 'Lt' operators, the value must be an integer"));
						}
					}
				}
			}
			for (int i = 0; i < vals.size(); i++) {
				List<String> valueErrors = LabelValidation.isValidLabelValue(vals.get(i));
				if (!valueErrors.isEmpty()) {
					errors.add(SelectorErrors.invalid("values[" + i + "][" + key + "]", GoText.quote(vals.get(i)),
							String.join("; ", valueErrors)));
				}
			}
			if (!errors.isEmpty()) {
				throw new IllegalArgumentException(SelectorErrors.aggregate(errors));
			}
			return new Requirement(key, operator, List.copyOf(vals));
		}

		public String key() {
			return this.key;
		}

		public Operator operator() {
			return this.operator;
		}

		/** The values, in the order given (sorted when parsed from a string). */
		public List<String> values() {
			return this.values;
		}

		/**
		 * Whether a label whose value is {@code value} (null when absent) satisfies this.
		 */
		boolean matches(String value) {
			switch (this.operator) {
				case IN, EQUALS, DOUBLE_EQUALS:
					return value != null && hasValue(value);
				case NOT_IN, NOT_EQUALS:
					return value == null || !hasValue(value);
				case EXISTS:
					return value != null;
				case DOES_NOT_EXIST:
					return value == null;
				case GREATER_THAN:
					return value != null && GoText.isInt64(value) && GoText.parseInt64(value) > this.bound;
				case LESS_THAN:
					return value != null && GoText.isInt64(value) && GoText.parseInt64(value) < this.bound;
				default:
					return false;
			}
		}

		private boolean hasValue(String value) {
			for (String candidate : this.valueArray) {
				if (candidate.equals(value)) {
					return true;
				}
			}
			return false;
		}

		@Override
		public String toString() {
			StringBuilder sb = new StringBuilder();
			if (this.operator == Operator.DOES_NOT_EXIST) {
				sb.append('!');
			}
			sb.append(this.key);
			switch (this.operator) {
				case EXISTS, DOES_NOT_EXIST -> {
					return sb.toString();
				}
				case IN, NOT_IN -> sb.append(' ').append(this.operator.spelling()).append(" (");
				case GREATER_THAN -> sb.append('>');
				case LESS_THAN -> sb.append('<');
				default -> sb.append(this.operator.spelling());
			}
			List<String> sorted = new ArrayList<>(this.values);
			sorted.sort(GoText.ORDER);
			sb.append(String.join(",", sorted));
			if (this.operator == Operator.IN || this.operator == Operator.NOT_IN) {
				sb.append(')');
			}
			return sb.toString();
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Requirement that && this.key.equals(that.key) && this.operator == that.operator
					&& this.values.equals(that.values);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.key, this.operator, this.values);
		}

	}

}
