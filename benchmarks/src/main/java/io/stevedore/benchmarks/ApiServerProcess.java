package io.stevedore.benchmarks;

import java.io.IOException;
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

/**
 * The apiserver as its own process, started from the runnable jar, so the benchmark's
 * client load and the server's memory are measured apart.
 */
final class ApiServerProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private ApiServerProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	static ApiServerProcess start(Path jar, String storeUrl, Path dataDir, List<String> jvmOptions, Path log)
			throws IOException, InterruptedException {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("apiserver jar not found at " + jar
					+ ": build it with ./mvnw -q -B -DskipTests package -pl apiserver-service -am");
		}
		int port = freePort();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar.toString()));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("STEVEDORE_PORT", Integer.toString(port));
		builder.environment().put("STEVEDORE_STORAGE_URL", storeUrl == null ? "" : storeUrl);
		builder.environment().put("STEVEDORE_DATA_DIR", dataDir.toString());
		ApiServerProcess server = new ApiServerProcess(builder.start(), port);
		try {
			// A loaded machine (other builds on the same cores) can take minutes.
			server.awaitReady(Duration.ofSeconds(Long.getLong("bench.apiserverStartSeconds", 90)));
		}
		catch (RuntimeException | InterruptedException ex) {
			server.process.destroyForcibly();
			throw ex;
		}
		return server;
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/** Resident set size in bytes, from /proc. */
	long residentBytes() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return -1;
	}

	private void awaitReady(Duration timeout) throws InterruptedException {
		HttpClient client = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("apiserver exited with " + this.process.exitValue());
			}
			try {
				HttpResponse<String> response = client.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/readyz")).build(),
						HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException("apiserver not ready within " + timeout);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** Asks the process to stop without waiting (for shutdown hooks). */
	void destroy() {
		this.process.destroy();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
