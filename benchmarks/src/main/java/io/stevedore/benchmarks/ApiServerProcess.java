package io.stevedore.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The apiserver as its own process, started from the runnable jar, so the benchmark's
 * client load and the server's memory are measured apart.
 *
 * @param process the JVM
 * @param port where it serves plain HTTP on loopback
 */
record ApiServerProcess(ServiceProcess process, int port) implements AutoCloseable {

	static ApiServerProcess start(Path jar, String storeUrl, Path dataDir, List<String> jvmOptions, Path log)
			throws IOException, InterruptedException {
		return start(jar, storeUrl, dataDir, jvmOptions, List.of(), log);
	}

	/**
	 * @param arguments more settings, e.g.
	 * {@code --stevedore.apiserver.admission.url=...}
	 */
	static ApiServerProcess start(Path jar, String storeUrl, Path dataDir, List<String> jvmOptions,
			List<String> arguments, Path log) throws IOException, InterruptedException {
		int port = ServiceProcess.freePort();
		ServiceProcess process = ServiceProcess.launch("apiserver", jar, jvmOptions, new ArrayList<>(arguments),
				Map.of("STEVEDORE_PORT", Integer.toString(port), "STEVEDORE_STORAGE_URL",
						storeUrl == null ? "" : storeUrl, "STEVEDORE_DATA_DIR", dataDir.toString()),
				log);
		process.awaitReady(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + port + "/readyz"));
		return new ApiServerProcess(process, port);
	}

	long pid() {
		return this.process.pid();
	}

	/** Resident set size in bytes, from /proc. */
	long residentBytes() throws IOException {
		return this.process.residentBytes();
	}

	/** Asks the process to stop without waiting (for shutdown hooks). */
	void destroy() {
		this.process.destroy();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.close();
	}

}
