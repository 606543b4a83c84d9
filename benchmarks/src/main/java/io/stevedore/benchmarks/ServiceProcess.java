package io.stevedore.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of Stevedore's services as its own process, started from its runnable jar on the
 * benchmark's JDK, so the load generator's CPU and memory are counted apart from the
 * server's.
 */
final class ServiceProcess implements AutoCloseable {

	private final String name;

	private final Process process;

	private ServiceProcess(String name, Process process) {
		this.name = name;
		this.process = process;
	}

	/**
	 * Starts {@code java JVM_OPTIONS -jar JAR ARGUMENTS}, stdout and stderr to the log.
	 * @param environment added to the benchmark's own environment
	 */
	static ServiceProcess launch(String name, Path jar, List<String> jvmOptions, List<String> arguments,
			Map<String, String> environment, Path log) throws IOException {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(name + " jar not found at " + jar
					+ ": build it with ./mvnw -q -B -DskipTests install -pl apiserver-service,api-gateway -am");
		}
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar.toString()));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		return new ServiceProcess(name, builder.start());
	}

	/**
	 * Polls the URI until it answers 200; stops the process when it does not in time. A
	 * loaded machine (other builds on the same cores) can take minutes:
	 * {@code bench.apiserverStartSeconds} (90) is the timeout.
	 */
	ServiceProcess awaitReady(HttpClient client, URI uri) throws InterruptedException {
		Duration timeout = Duration.ofSeconds(Long.getLong("bench.apiserverStartSeconds", 90));
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue());
			}
			try {
				HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return this;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		this.process.destroyForcibly();
		throw new IllegalStateException(this.name + " not ready at " + uri + " within " + timeout);
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** Resident set size in bytes, from /proc. */
	long residentBytes() throws IOException {
		return Machine.residentBytes(pid());
	}

	/** Asks the process to stop without waiting (for shutdown hooks). */
	void destroy() {
		this.process.destroy();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	/** A port nobody listens on now, on loopback. */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
