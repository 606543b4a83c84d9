package io.stevedore.testsupport.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@code docker} command line for tests: checks what the code under test did to
 * the engine from the outside, with the tool a person would use.
 */
public final class Docker {

	private Docker() {
	}

	/** Runs {@code docker args...}; fails with docker's output when it exits non-zero. */
	public static String run(String... args) {
		Result result = tryRun(args);
		if (result.exitCode() != 0) {
			throw new IllegalStateException(
					"docker " + String.join(" ", args) + " exited " + result.exitCode() + ": " + result.output());
		}
		return result.output();
	}

	public static Result tryRun(String... args) {
		List<String> command = new ArrayList<>();
		command.add("docker");
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return new Result(process.waitFor(), output.strip());
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run docker: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted running docker", ex);
		}
	}

	/** Ids of the containers (running or not) carrying the label {@code key=value}. */
	public static List<String> containerIds(String key, String value) {
		String output = run("ps", "-aq", "--no-trunc", "--filter", "label=" + key + "=" + value);
		return output.isEmpty() ? List.of() : List.of(output.split("\\s+"));
	}

	/** Force-removes every container with the label, e.g. a test's node. */
	public static void removeContainers(String key, String value) {
		List<String> ids = containerIds(key, value);
		if (!ids.isEmpty()) {
			List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
			args.addAll(ids);
			tryRun(args.toArray(String[]::new));
		}
	}

	public record Result(int exitCode, String output) {
	}

}
