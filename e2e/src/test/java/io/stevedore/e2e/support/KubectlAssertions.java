package io.stevedore.e2e.support;

import java.util.regex.Pattern;

import io.stevedore.testsupport.kubectl.KubectlResult;

/**
 * What "kubectl was happy" means in these tests: exit code 0 and nothing on stderr that
 * reads as an error or a warning (kubectl also uses stderr for harmless notes such as "No
 * resources found", which are allowed).
 */
public final class KubectlAssertions {

	// "error: ...", "Error from server ...", "Warning: ...", and klog's E0102/W0102
	// lines.
	private static final Pattern ERROR_OR_WARNING = Pattern.compile("(?im)(\\berror\\b|\\bwarning\\b|^[EW]\\d{4} )");

	private KubectlAssertions() {
	}

	/**
	 * Fails unless kubectl exited 0 with a clean stderr; returns the result for chaining.
	 */
	public static KubectlResult clean(KubectlResult result) {
		result.requireSuccess();
		return assertNoErrorOrWarning(result);
	}

	/**
	 * Fails when kubectl printed an error or a warning, whatever its exit code (a watch
	 * stopped by the test exits by signal).
	 */
	public static KubectlResult assertNoErrorOrWarning(KubectlResult result) {
		if (ERROR_OR_WARNING.matcher(result.stderr()).find()) {
			throw new AssertionError("kubectl printed an error or warning: " + result.describe());
		}
		return result;
	}

	/** The stdout of a clean run, stripped. */
	public static String cleanOutput(KubectlResult result) {
		return clean(result).stdout().strip();
	}

}
