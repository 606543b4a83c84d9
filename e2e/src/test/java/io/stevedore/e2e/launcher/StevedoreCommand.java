package io.stevedore.e2e.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code ./stevedore} script of this checkout with its own state directory, home
 * directory (so {@code ~/.kube/config} is the test's) and apiserver port.
 */
final class StevedoreCommand {

	private final Path script;

	private final Map<String, String> environment;

	private StevedoreCommand(Path script, Map<String, String> environment) {
		this.script = script;
		this.environment = Map.copyOf(environment);
	}

	static StevedoreCommand of(Path stevedoreHome, Path home, int port) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
		env.put("HOME", home.toString());
		env.put("STEVEDORE_HOME", stevedoreHome.toString());
		env.put("STEVEDORE_PORT", Integer.toString(port));
		env.put("STEVEDORE_JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1");
		env.put("JAVA_HOME", System.getProperty("java.home"));
		return new StevedoreCommand(repositoryRoot().resolve("stevedore"), env);
	}

	/** The checkout's root: Failsafe runs in the e2e module directory. */
	static Path repositoryRoot() {
		Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
		for (Path dir = module; dir != null; dir = dir.getParent()) {
			if (Files.isExecutable(dir.resolve("stevedore")) && Files.exists(dir.resolve("pom.xml"))) {
				return dir;
			}
		}
		throw new IllegalStateException("no ./stevedore above " + module);
	}

	/** The same environment, running another copy of the script. */
	StevedoreCommand withScript(Path script) {
		return new StevedoreCommand(script, this.environment);
	}

	StevedoreCommand with(String name, String value) {
		Map<String, String> env = new LinkedHashMap<>(this.environment);
		env.put(name, value);
		return new StevedoreCommand(this.script, env);
	}

	Result run(String... args) {
		List<String> command = new ArrayList<>();
		command.add(this.script.toString());
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
		builder.environment().clear();
		builder.environment().putAll(this.environment);
		try {
			Path out = Files.createTempFile("stevedore-out", ".txt");
			Path err = Files.createTempFile("stevedore-err", ".txt");
			Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
			Duration timeout = Duration.ofMinutes(5);
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("./stevedore " + String.join(" ", args) + " did not finish within " + timeout);
			}
			Result result = new Result(String.join(" ", args), process.exitValue(),
					Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
			Files.deleteIfExists(out);
			Files.deleteIfExists(err);
			return result;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

	private static java.io.File nullFile() {
		return new java.io.File("/dev/null");
	}

	record Result(String command, int exitCode, String stdout, String stderr) {

		/**
		 * Everything the command printed, for assertions on messages and for failures.
		 */
		String output() {
			return this.stdout + this.stderr;
		}

		@Override
		public String toString() {
			return "./stevedore " + this.command + " (exit " + this.exitCode + ")\n--- stdout\n" + this.stdout
					+ "--- stderr\n" + this.stderr;
		}

	}

}
