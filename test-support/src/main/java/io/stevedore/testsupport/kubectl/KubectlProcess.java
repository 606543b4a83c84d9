package io.stevedore.testsupport.kubectl;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A kubectl command running in the background, typically {@code kubectl get -w}: a test
 * waits until its output shows what it expects, then stops it. Always stop it (it is
 * {@link AutoCloseable}): a watch never ends by itself.
 *
 * <p>
 * Threading: the output is collected by background threads; the methods may be called
 * from any thread.
 */
public final class KubectlProcess implements AutoCloseable {

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private final List<String> arguments;

	private final Process process;

	private final OutputCollector stdout;

	private final OutputCollector stderr;

	KubectlProcess(List<String> arguments, Process process, OutputCollector stdout, OutputCollector stderr) {
		this.arguments = List.copyOf(arguments);
		this.process = process;
		this.stdout = stdout;
		this.stderr = stderr;
	}

	public String stdoutSoFar() {
		return this.stdout.text();
	}

	public String stderrSoFar() {
		return this.stderr.text();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Waits until the stdout printed so far satisfies {@code condition} and returns it.
	 * @throws AssertionError with all output so far when the condition is not met within
	 * {@code timeout}, or kubectl exits before meeting it
	 */
	public String awaitStdout(Predicate<String> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			boolean exited = !this.process.isAlive();
			String text = exited ? this.stdout.awaitEnd() : this.stdout.text();
			if (condition.test(text)) {
				return text;
			}
			if (exited) {
				throw new AssertionError("kubectl exited before printing what was expected: " + snapshot().describe());
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError(
						"kubectl did not print what was expected within " + timeout + ": " + snapshot().describe());
			}
			sleep();
		}
	}

	/** Stops kubectl (SIGTERM, then SIGKILL) and returns everything it printed. */
	public KubectlResult stop() {
		if (this.process.isAlive()) {
			this.process.destroy();
			if (!Kubectl.waitFor(this.process, Duration.ofSeconds(5))) {
				this.process.destroyForcibly();
				Kubectl.waitFor(this.process, Duration.ofSeconds(5));
			}
		}
		return new KubectlResult(this.arguments, this.process.exitValue(), this.stdout.awaitEnd(),
				this.stderr.awaitEnd());
	}

	@Override
	public void close() {
		stop();
	}

	private KubectlResult snapshot() {
		return new KubectlResult(this.arguments, this.process.isAlive() ? -1 : this.process.exitValue(),
				this.stdout.text(), this.stderr.text());
	}

	private static void sleep() {
		try {
			Thread.sleep(POLL_INTERVAL);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for kubectl output", ex);
		}
	}

}
