package io.stevedore.e2e.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code ./stevedore} script of this checkout with its own state directory, home
 * directory (so {@code ~/.kube/config} is the test's), free ports for every component and
 * node names of its own (node names must be unique on the Docker engine the agents share,
 * so a test cluster never touches a user's containers).
 */
public final class StevedoreCommand {

	private final Path script;

	private final Map<String, String> environment;

	private StevedoreCommand(Path script, Map<String, String> environment) {
		this.script = script;
		this.environment = Map.copyOf(environment);
	}

	public static StevedoreCommand of(Path stevedoreHome, Path home, int port) {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
		env.put("HOME", home.toString());
		env.put("STEVEDORE_HOME", stevedoreHome.toString());
		env.put("STEVEDORE_PORT", Integer.toString(port));
		env.put("STEVEDORE_GATEWAY_PORT", Integer.toString(FreePorts.next()));
		env.put("STEVEDORE_SCHEDULER_PORT", Integer.toString(FreePorts.next()));
		env.put("STEVEDORE_CONTROLLER_PORT", Integer.toString(FreePorts.next()));
		env.put("STEVEDORE_PROXY_PORT", Integer.toString(FreePorts.next()));
		env.put("STEVEDORE_INGRESS", "true");
		env.put("STEVEDORE_INGRESS_PORT", Integer.toString(FreePorts.next()));
		env.put("STEVEDORE_INGRESS_TLS_PORT", Integer.toString(FreePorts.next()));
		env.put("STEVEDORE_NODE_PORT", Integer.toString(FreePorts.next()));
		env.put("STEVEDORE_NODE_PREFIX", "e2e-" + Long.toString(ProcessHandle.current().pid(), 36) + "-"
				+ Integer.toString(FreePorts.next(), 36));
		// A Service range of its own: the ClusterIPs, their kernel rules and the cluster
		// DNS
		// address (the range's 10th) are machine-wide, so two clusters on one machine (a
		// user's and a test's, or two tests') must not share them.
		env.put("STEVEDORE_SERVICE_CIDR", freeServiceRange());
		// Chains of its own for its proxy: the e2e classes' clusters run side by side,
		// and two proxies with the same chains rewrite each other's rules.
		env.put("STEVEDORE_PROXY_CHAIN_PREFIX", proxyChainPrefix());
		// The reactor built the jars just before the e2e module; sources other engineers
		// edit meanwhile must not make a test rebuild them.
		env.put("STEVEDORE_BUILD", "never");
		env.put("JAVA_HOME", System.getProperty("java.home"));
		// One place for the extracted jars across the test clusters: each jar is
		// extracted once per run instead of once per cluster.
		env.put("STEVEDORE_JAR_CACHE", repositoryRoot().resolve("e2e/target/stevedore-jars").toString());
		return new StevedoreCommand(repositoryRoot().resolve("stevedore"), env);
	}

	/**
	 * A random 10.X.0.0/16 with X in 128..191 that no cluster on this machine is using:
	 * neither handed out in this JVM nor holding its DNS address (the range's 10th, which
	 * a running cluster puts on a local interface). A cluster someone else left running
	 * once made an e2e cluster's DNS fail with "Address already in use".
	 */
	static synchronized String freeServiceRange() {
		Set<String> local = localAddresses();
		for (int attempt = 0; attempt < 256; attempt++) {
			int second = ThreadLocalRandom.current().nextInt(128, 192);
			if (!local.contains("10." + second + ".0.10") && HANDED_OUT.add(second)) {
				return "10." + second + ".0.0/16";
			}
		}
		throw new IllegalStateException("no free 10.128-191.0.0/16 Service range on this machine");
	}

	private static final Set<Integer> HANDED_OUT = new HashSet<>();

	private static int chains;

	/** E, this JVM's pid and a counter, upper case base 36: at most 9 characters. */
	static synchronized String proxyChainPrefix() {
		chains++;
		String pid = Long.toString(ProcessHandle.current().pid() % (36L * 36 * 36 * 36), 36);
		return ("E" + pid + "X" + Integer.toString(chains, 36)).toUpperCase(java.util.Locale.ROOT);
	}

	private static Set<String> localAddresses() {
		Set<String> addresses = new HashSet<>();
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				for (InetAddress address : Collections.list(nic.getInetAddresses())) {
					addresses.add(address.getHostAddress());
				}
			}
		}
		catch (SocketException ex) {
			// Without the list, the random pick alone.
		}
		return addresses;
	}

	/** The value of one of the script's environment variables. */
	public String environment(String name) {
		return this.environment.get(name);
	}

	/** The Docker label value of node {@code n} of {@code up --nodes}: PREFIX-n. */
	public String nodeName(int n) {
		return this.environment.get("STEVEDORE_NODE_PREFIX") + "-" + n;
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

	public StevedoreCommand with(String name, String value) {
		Map<String, String> env = new LinkedHashMap<>(this.environment);
		env.put(name, value);
		return new StevedoreCommand(this.script, env);
	}

	public Result run(String... args) {
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
			// up of a whole cluster on a loaded 2-core machine: several JVMs start at
			// once.
			Duration timeout = Duration.ofMinutes(8);
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

	public record Result(String command, int exitCode, String stdout, String stderr) {

		/**
		 * Everything the command printed, for assertions on messages and for failures.
		 */
		public String output() {
			return this.stdout + this.stderr;
		}

		@Override
		public String toString() {
			return "./stevedore " + this.command + " (exit " + this.exitCode + ")\n--- stdout\n" + this.stdout
					+ "--- stderr\n" + this.stderr;
		}

	}

}
