package io.stevedore.controller.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real kubectl against a test's apiserver (no kubeconfig), for the integration tests
 * that check what kubectl reads and writes. A machine without kubectl skips the test.
 */
public final class Kubectl {

	private final String server;

	public Kubectl(String server) {
		this.server = server;
	}

	/** What kubectl said (stdout and stderr) and its exit code. */
	public record Run(int exit, String output) {
	}

	/** Runs kubectl and asserts it succeeded. */
	public String ok(String... args) throws IOException, InterruptedException {
		return expect(0, args);
	}

	/** Runs kubectl and asserts it failed. */
	public String failing(String... args) throws IOException, InterruptedException {
		Run run = run(args);
		assertThat(run.exit()).as("kubectl %s: %s", String.join(" ", args), run.output()).isNotZero();
		return run.output();
	}

	/** Runs kubectl and asserts its exit code. */
	public String expect(int exit, String... args) throws IOException, InterruptedException {
		Run run = run(args);
		assertThat(run.exit()).as("kubectl %s: %s", String.join(" ", args), run.output()).isEqualTo(exit);
		return run.output();
	}

	/** Runs kubectl, at most 90 s. */
	public Run run(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("kubectl", "--server=" + this.server, "--kubeconfig=/dev/null"));
		command.addAll(List.of(args));
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			assumeTrue(false, "kubectl is not installed");
			throw ex;
		}
		boolean finished = process.waitFor(90, TimeUnit.SECONDS);
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!finished) {
			process.destroyForcibly();
		}
		assertThat(finished).as("kubectl %s returned; output: %s", String.join(" ", args), output).isTrue();
		return new Run(process.exitValue(), output);
	}

}
