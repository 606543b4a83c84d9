package io.stevedore.testsupport.kubectl;

import java.io.IOException;
import java.io.OutputStream;
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
 * Runs the real {@code kubectl} binary against one cluster, isolated from the machine's
 * own configuration: {@code KUBECONFIG} is the given file and {@code HOME} a directory of
 * the test's, so kubectl's discovery and HTTP caches ({@code ~/.kube/cache}) never leak
 * between clusters or test runs. The environment is otherwise empty but for {@code PATH}
 * and what {@link #withEnvironment} adds (for example {@code KUBE_EDITOR}).
 *
 * <p>
 * The binary is {@code /usr/bin/kubectl} unless the system property
 * {@code stevedore.kubectl} or the environment variable {@code KUBECTL} names another.
 *
 * <p>
 * Threading: immutable; one instance may run commands from several threads.
 */
public final class Kubectl {

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

	static final Path DEFAULT_BINARY = Path.of("/usr/bin/kubectl");

	private final Path binary;

	private final Path kubeconfig;

	private final Path home;

	private final Map<String, String> environment;

	private final Duration timeout;

	private Kubectl(Path binary, Path kubeconfig, Path home, Map<String, String> environment, Duration timeout) {
		this.binary = binary;
		this.kubeconfig = kubeconfig;
		this.home = home;
		this.environment = Map.copyOf(environment);
		this.timeout = timeout;
	}

	/**
	 * A kubectl that reads the given kubeconfig and uses {@code home} as its home
	 * directory (created when missing).
	 */
	public static Kubectl forKubeconfig(Path kubeconfig, Path home) {
		try {
			Files.createDirectories(home);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create kubectl's home directory " + home, ex);
		}
		return new Kubectl(defaultBinary(), kubeconfig, home, Map.of(), DEFAULT_TIMEOUT);
	}

	static Path defaultBinary() {
		String configured = System.getProperty("stevedore.kubectl", System.getenv("KUBECTL"));
		return (configured == null || configured.isBlank()) ? DEFAULT_BINARY : Path.of(configured);
	}

	/** The same kubectl with one more environment variable, e.g. {@code KUBE_EDITOR}. */
	public Kubectl withEnvironment(String name, String value) {
		Map<String, String> environment = new LinkedHashMap<>(this.environment);
		environment.put(name, value);
		return new Kubectl(this.binary, this.kubeconfig, this.home, environment, this.timeout);
	}

	/** The same kubectl running another binary (tests of this class use a fake one). */
	public Kubectl withBinary(Path binary) {
		return new Kubectl(binary, this.kubeconfig, this.home, this.environment, this.timeout);
	}

	/** The same kubectl with another limit on how long one command may run. */
	public Kubectl withTimeout(Duration timeout) {
		return new Kubectl(this.binary, this.kubeconfig, this.home, this.environment, timeout);
	}

	public Path kubeconfig() {
		return this.kubeconfig;
	}

	public Path home() {
		return this.home;
	}

	/**
	 * Runs {@code kubectl args...} to completion with an empty stdin.
	 * @throws AssertionError when it does not finish within the timeout (it is killed)
	 */
	public KubectlResult run(String... args) {
		return runWithInput("", args);
	}

	/**
	 * Runs {@code kubectl args...} with {@code stdin} as its input, e.g.
	 * {@code runWithInput(yaml, "apply", "-f", "-")}.
	 * @throws AssertionError when it does not finish within the timeout (it is killed)
	 */
	public KubectlResult runWithInput(String stdin, String... args) {
		Process process = launch(args);
		OutputCollector stdout = OutputCollector.collect(process.getInputStream());
		OutputCollector stderr = OutputCollector.collect(process.getErrorStream());
		try (OutputStream in = process.getOutputStream()) {
			in.write(stdin.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			// kubectl exited without reading its input; its exit code and stderr tell
			// why.
		}
		if (!waitFor(process, this.timeout)) {
			process.destroyForcibly();
			waitFor(process, Duration.ofSeconds(10));
			throw new AssertionError("kubectl did not finish within " + this.timeout + " and was killed: "
					+ new KubectlResult(List.of(args), -1, stdout.awaitEnd(), stderr.awaitEnd()).describe());
		}
		return new KubectlResult(List.of(args), process.exitValue(), stdout.awaitEnd(), stderr.awaitEnd());
	}

	/**
	 * Starts {@code kubectl args...} in the background, for commands that do not end by
	 * themselves ({@code get -w}); stop it with {@link KubectlProcess#stop()}.
	 */
	public KubectlProcess start(String... args) {
		Process process = launch(args);
		try {
			process.getOutputStream().close();
		}
		catch (IOException ex) {
			// Nothing to close: kubectl is already gone; its output tells why.
		}
		return new KubectlProcess(List.of(args), process, OutputCollector.collect(process.getInputStream()),
				OutputCollector.collect(process.getErrorStream()));
	}

	private Process launch(String... args) {
		List<String> command = new ArrayList<>();
		command.add(this.binary.toString());
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.home.toFile());
		Map<String, String> env = builder.environment();
		env.clear();
		env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
		env.put("HOME", this.home.toString());
		env.put("KUBECONFIG", this.kubeconfig.toString());
		env.putAll(this.environment);
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"cannot run " + this.binary + " (is kubectl installed? set -Dstevedore.kubectl)", ex);
		}
	}

	static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new AssertionError("interrupted while waiting for kubectl", ex);
		}
	}

}
