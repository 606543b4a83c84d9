package io.stevedore.machinery.selectors;

/**
 * A selector operator, spelled as Kubernetes' {@code selection.Operator}: the spelling is
 * what error messages print (e.g. {@code found '~', expected: in, notin, =, ==, !=,
 * gt, lt}).
 */
public enum Operator {

	IN("in"), NOT_IN("notin"), EQUALS("="), DOUBLE_EQUALS("=="), NOT_EQUALS("!="), GREATER_THAN("gt"), LESS_THAN("lt"),
	EXISTS("exists"), DOES_NOT_EXIST("!");

	private final String spelling;

	Operator(String spelling) {
		this.spelling = spelling;
	}

	/** The string Kubernetes uses for this operator, e.g. {@code notin} or {@code gt}. */
	public String spelling() {
		return this.spelling;
	}

	@Override
	public String toString() {
		return this.spelling;
	}

}
