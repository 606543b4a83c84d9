package io.stevedore.machinery.selectors;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Error texts built the way Go's {@code field.Error} and {@code utilerrors.Aggregate}
 * print them, so messages match kube-apiserver's.
 */
final class SelectorErrors {

	/** What {@code field.Path.String()} prints for a nil path. */
	static final String NIL_PATH = "<nil>";

	private SelectorErrors() {
	}

	/** {@code field.Invalid(path, value, detail).Error()}; the value already rendered. */
	static String invalid(String path, String renderedValue, String detail) {
		return path + ": Invalid value: " + renderedValue + ": " + detail;
	}

	/**
	 * {@code Aggregate.Error()}: one message as is, several de-duplicated in brackets.
	 */
	static String aggregate(List<String> messages) {
		if (messages.size() == 1) {
			return messages.get(0);
		}
		Set<String> unique = new LinkedHashSet<>(messages);
		String joined = String.join(", ", unique);
		return unique.size() == 1 ? joined : "[" + joined + "]";
	}

}
