package io.stevedore.nodeagent.streaming;

import java.util.List;
import java.util.Map;

/**
 * The query of an exec or attach request, as the kubelet reads it: {@code command}
 * (repeated), {@code stdin}, {@code stdout}, {@code stderr}, {@code tty}. With a terminal
 * stderr is merged into stdout, as the kubelet does.
 * <p>
 * Threading: immutable.
 */
public record StreamRequest(List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {

	/**
	 * @param exec whether a command is required (exec) or ignored (attach)
	 * @throws IllegalArgumentException with the kubelet's message when the query is bad
	 */
	public static StreamRequest parse(Map<String, List<String>> query, boolean exec) {
		List<String> command = query.getOrDefault("command", List.of());
		boolean stdin = flag(query, "stdin");
		boolean stdout = flag(query, "stdout");
		boolean stderr = flag(query, "stderr");
		boolean tty = flag(query, "tty");
		if (exec && command.isEmpty()) {
			throw new IllegalArgumentException("you must specify at least 1 command");
		}
		if (!stdin && !stdout && !stderr) {
			throw new IllegalArgumentException("you must specify at least 1 of stdin, stdout, stderr");
		}
		return new StreamRequest(exec ? List.copyOf(command) : List.of(), stdin, stdout, stderr && !tty, tty);
	}

	private static boolean flag(Map<String, List<String>> query, String name) {
		List<String> values = query.get(name);
		if (values == null || values.isEmpty()) {
			return false;
		}
		String value = values.get(0);
		return value.equals("1") || value.equalsIgnoreCase("true");
	}

}
