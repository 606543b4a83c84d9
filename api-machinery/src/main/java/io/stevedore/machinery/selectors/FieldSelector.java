package io.stevedore.machinery.selectors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A field selector, with the semantics of k8s.io/apimachinery/pkg/fields: the AND of
 * {@code field=value}, {@code field==value} and {@code field!=value} terms. In a value,
 * {@code \,} {@code \=} and {@code \\} stand for the character; an unescaped {@code ,}
 * separates terms. A field the object does not have reads as the empty string.
 * <p>
 * Which fields a resource supports is not checked here: see
 * {@link FieldSelectors#validate}. Instances are immutable and safe to share; matching
 * allocates nothing.
 */
public final class FieldSelector {

	private static final FieldSelector EVERYTHING = new FieldSelector(new Requirement[0]);

	private final Requirement[] requirements;

	private FieldSelector(Requirement[] requirements) {
		this.requirements = requirements;
	}

	public static FieldSelector everything() {
		return EVERYTHING;
	}

	/**
	 * Parses the query-string form, e.g.
	 * {@code spec.nodeName=node-1,status.phase!=Failed}.
	 * @throws IllegalArgumentException with kube-apiserver's message, e.g.
	 * {@code invalid selector: 'a'; can't understand 'a'}
	 */
	public static FieldSelector parse(String selector) {
		Objects.requireNonNull(selector, "selector");
		List<String> terms = splitTerms(selector);
		terms.sort(GoText.ORDER);
		List<Requirement> result = new ArrayList<>(terms.size());
		for (String term : terms) {
			if (term.isEmpty()) {
				continue;
			}
			Requirement requirement = parseTerm(selector, term);
			// Kubernetes drops a term with neither field nor value ("=" or "!="), which
			// therefore selects everything.
			if (!requirement.field.isEmpty() || !requirement.value.isEmpty()) {
				result.add(requirement);
			}
		}
		return result.isEmpty() ? EVERYTHING : new FieldSelector(result.toArray(new Requirement[0]));
	}

	/** Splits on commas not escaped by a backslash; escapes stay in the terms. */
	private static List<String> splitTerms(String selector) {
		List<String> terms = new ArrayList<>();
		if (selector.isEmpty()) {
			return terms;
		}
		int start = 0;
		boolean escaped = false;
		for (int i = 0; i < selector.length(); i++) {
			char c = selector.charAt(i);
			if (escaped) {
				escaped = false;
			}
			else if (c == '\\') {
				escaped = true;
			}
			else if (c == ',') {
				terms.add(selector.substring(start, i));
				start = i + 1;
			}
		}
		terms.add(selector.substring(start));
		return terms;
	}

	/**
	 * The first operator in the term splits it: a field name cannot contain one, and "!="
	 * and "==" are tried before "=" so that no "=" is left on the value.
	 */
	private static Requirement parseTerm(String selector, String term) {
		for (int i = 0; i < term.length(); i++) {
			if (term.startsWith("!=", i)) {
				return new Requirement(term.substring(0, i), Operator.NOT_EQUALS, unescape(term.substring(i + 2)));
			}
			if (term.startsWith("==", i)) {
				return new Requirement(term.substring(0, i), Operator.EQUALS, unescape(term.substring(i + 2)));
			}
			if (term.charAt(i) == '=') {
				return new Requirement(term.substring(0, i), Operator.EQUALS, unescape(term.substring(i + 1)));
			}
		}
		throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
	}

	/** The inverse of {@link #escape}; any other escape, or a bare '=' or ',', fails. */
	static String unescape(String value) {
		if (value.indexOf('\\') < 0 && value.indexOf(',') < 0 && value.indexOf('=') < 0) {
			return value;
		}
		StringBuilder sb = new StringBuilder(value.length());
		boolean escaped = false;
		for (int i = 0; i < value.length();) {
			int c = value.codePointAt(i);
			i += Character.charCount(c);
			if (escaped) {
				if (c != '\\' && c != ',' && c != '=') {
					throw new IllegalArgumentException(
							"invalid field selector: invalid escape sequence: \\" + new String(Character.toChars(c)));
				}
				sb.appendCodePoint(c);
				escaped = false;
			}
			else if (c == '\\') {
				escaped = true;
			}
			else if (c == ',' || c == '=') {
				// Go prints the rune with %v, i.e. as its number.
				throw new IllegalArgumentException("invalid field selector: unescaped character in value: " + c);
			}
			else {
				sb.appendCodePoint(c);
			}
		}
		if (escaped) {
			throw new IllegalArgumentException("invalid field selector: invalid escape sequence: \\");
		}
		return sb.toString();
	}

	/** Escapes {@code \}, {@code ,} and {@code =} so a value can be put in a selector. */
	public static String escape(String value) {
		if (value.indexOf('\\') < 0 && value.indexOf(',') < 0 && value.indexOf('=') < 0) {
			return value;
		}
		StringBuilder sb = new StringBuilder(value.length() + 4);
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\\' || c == ',' || c == '=') {
				sb.append('\\');
			}
			sb.append(c);
		}
		return sb.toString();
	}

	/**
	 * Whether an object with these selectable fields is selected; a field absent from the
	 * map reads as the empty string.
	 */
	public boolean matches(Map<String, String> fields) {
		for (Requirement requirement : this.requirements) {
			if (!requirement.matches(fields.get(requirement.field))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether an object is selected, its fields read through {@code fields} (field to
	 * value, null when absent).
	 */
	public boolean matches(Function<String, String> fields) {
		for (Requirement requirement : this.requirements) {
			if (!requirement.matches(fields.apply(requirement.field))) {
				return false;
			}
		}
		return true;
	}

	public boolean isEverything() {
		return this.requirements.length == 0;
	}

	/** The terms, in the order Kubernetes keeps them (sorted as written). */
	public List<Requirement> requirements() {
		return Collections.unmodifiableList(Arrays.asList(this.requirements));
	}

	/**
	 * The value this selector requires {@code field} to equal, or null: lets a caller use
	 * an index (e.g. pods by {@code spec.nodeName}) instead of scanning everything.
	 */
	public String requiresExactMatch(String field) {
		for (Requirement requirement : this.requirements) {
			if (requirement.field.equals(field) && requirement.operator == Operator.EQUALS) {
				return requirement.value;
			}
		}
		return null;
	}

	/**
	 * This selector with each field renamed; {@code rename} may throw to reject a field.
	 * This is Kubernetes' {@code Transform} with a field label conversion function.
	 */
	public FieldSelector withFields(UnaryOperator<String> rename) {
		if (this.requirements.length == 0) {
			return this;
		}
		Requirement[] renamed = new Requirement[this.requirements.length];
		for (int i = 0; i < renamed.length; i++) {
			Requirement r = this.requirements[i];
			renamed[i] = new Requirement(rename.apply(r.field), r.operator, r.value);
		}
		return new FieldSelector(renamed);
	}

	/**
	 * The canonical form: terms in order, values escaped; {@link #parse} reads it back.
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
		return other instanceof FieldSelector that && Arrays.equals(this.requirements, that.requirements);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.requirements);
	}

	/**
	 * One term: {@code field=value} ({@link Operator#EQUALS}, also for {@code ==}) or
	 * {@code field!=value} ({@link Operator#NOT_EQUALS}); the value unescaped.
	 */
	public record Requirement(String field, Operator operator, String value) {

		public Requirement {
			Objects.requireNonNull(field, "field");
			Objects.requireNonNull(value, "value");
			if (operator != Operator.EQUALS && operator != Operator.NOT_EQUALS) {
				throw new IllegalArgumentException("a field selector supports only = and !=, not " + operator);
			}
		}

		boolean matches(String actual) {
			boolean equal = this.value.equals(actual == null ? "" : actual);
			return this.operator == Operator.EQUALS ? equal : !equal;
		}

		@Override
		public String toString() {
			return this.field + (this.operator == Operator.EQUALS ? "=" : "!=") + escape(this.value);
		}

	}

}
