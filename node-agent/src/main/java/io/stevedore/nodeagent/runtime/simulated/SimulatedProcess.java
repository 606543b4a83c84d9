package io.stevedore.nodeagent.runtime.simulated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a simulated container's command does, read from its argv: nothing is executed.
 * Most containers are servers and run until stopped; the few shapes below end by
 * themselves so that Jobs, init containers and crash loops behave on a simulated node as
 * on a real one:
 * <ul>
 * <li>{@code true} / {@code false}: exit 0 / 1 at once;</li>
 * <li>{@code exit N} (as the script of {@code sh -c}): exit N at once;</li>
 * <li>{@code sleep N}: exit 0 after N seconds;</li>
 * <li>{@code echo WORDS}: print the words, exit 0.</li>
 * </ul>
 * Shell scripts joined with {@code ;} or {@code &&} run their steps in order: the sleeps
 * add up, the echoes print, the first {@code exit} or {@code false} ends it.
 *
 * @param runFor how long it runs, or null when it runs until stopped
 * @param exitCode its exit code when it ends by itself
 * @param output what it prints
 */
record SimulatedProcess(Duration runFor, int exitCode, String output) {

	private static final Pattern EXIT = Pattern.compile("exit\\s+(\\d{1,3})");

	private static final Pattern SLEEP = Pattern.compile("sleep\\s+(\\d{1,9})");

	private static final Pattern ECHO = Pattern.compile("echo(?:\\s+(.*))?");

	private static final SimulatedProcess SERVER = new SimulatedProcess(null, 0, "");

	boolean endsByItself() {
		return this.runFor != null;
	}

	/**
	 * @param argv entrypoint then arguments; empty when the image's own command runs
	 */
	static SimulatedProcess of(List<String> argv) {
		if (argv.isEmpty()) {
			return SERVER;
		}
		String script = isShell(argv) ? argv.get(argv.size() - 1) : String.join(" ", argv);
		return ofScript(script);
	}

	private static boolean isShell(List<String> argv) {
		String program = argv.get(0);
		return argv.size() >= 3 && (program.endsWith("sh")) && argv.get(argv.size() - 2).equals("-c");
	}

	private static SimulatedProcess ofScript(String script) {
		Duration elapsed = Duration.ZERO;
		StringBuilder output = new StringBuilder();
		List<String> steps = new ArrayList<>();
		for (String step : script.split(";|&&|\\n")) {
			if (!step.isBlank()) {
				steps.add(step.strip());
			}
		}
		for (String step : steps) {
			Matcher matcher;
			if (step.equals("true") || step.equals(":")) {
				continue;
			}
			if (step.equals("false")) {
				return new SimulatedProcess(elapsed, 1, output.toString());
			}
			if ((matcher = EXIT.matcher(step)).matches()) {
				return new SimulatedProcess(elapsed, Integer.parseInt(matcher.group(1)) & 0xff, output.toString());
			}
			if ((matcher = SLEEP.matcher(step)).matches()) {
				elapsed = elapsed.plusSeconds(Long.parseLong(matcher.group(1)));
				continue;
			}
			if ((matcher = ECHO.matcher(step)).matches()) {
				output.append(unquote(matcher.group(1) == null ? "" : matcher.group(1))).append('\n');
				continue;
			}
			// Anything else (a server, a loop, a program we cannot read) runs until
			// stopped.
			return new SimulatedProcess(null, 0, output.toString());
		}
		return new SimulatedProcess(elapsed, 0, output.toString());
	}

	private static String unquote(String words) {
		String trimmed = words.strip();
		if (trimmed.length() >= 2 && (trimmed.startsWith("\"") && trimmed.endsWith("\"")
				|| trimmed.startsWith("'") && trimmed.endsWith("'"))) {
			return trimmed.substring(1, trimmed.length() - 1);
		}
		return trimmed;
	}

}
