package io.stevedore.testsupport.kubectl;

import java.util.List;

/**
 * What one finished kubectl command did: its arguments, exit code and both output
 * streams, kept apart because kubectl prints results on stdout and errors and warnings on
 * stderr, and tests assert on each.
 */
public record KubectlResult(List<String> arguments, int exitCode, String stdout, String stderr) {

	public KubectlResult {
		arguments = List.copyOf(arguments);
	}

	public boolean succeeded() {
		return this.exitCode == 0;
	}

	/**
	 * Returns this result when kubectl exited 0; otherwise fails the test with the
	 * command and everything kubectl printed, which is what one needs to see when it
	 * fails.
	 */
	public KubectlResult requireSuccess() {
		if (!succeeded()) {
			throw new AssertionError("expected success, got " + describe());
		}
		return this;
	}

	/**
	 * Returns this result when kubectl exited non-zero; otherwise fails the test.
	 */
	public KubectlResult requireFailure() {
		if (succeeded()) {
			throw new AssertionError("expected a failure, got " + describe());
		}
		return this;
	}

	/** The command line, exit code and output, for assertion messages. */
	public String describe() {
		return "kubectl " + String.join(" ", this.arguments) + "\n  exit code: " + this.exitCode + "\n  stdout:\n"
				+ indent(this.stdout) + "\n  stderr:\n" + indent(this.stderr);
	}

	private static String indent(String text) {
		return text.isEmpty() ? "    (empty)" : text.strip().indent(4).stripTrailing();
	}

}
