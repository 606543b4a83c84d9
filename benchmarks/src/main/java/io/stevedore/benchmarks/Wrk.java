package io.stevedore.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run of wrk, a C load generator (when installed at /usr/bin/wrk): it takes far less of
 * the two shared cores than a Java client, so its rate is closer to what the server alone
 * can do. https URLs work (wrk does not check the server's certificate, and cannot
 * present a client certificate: authenticate with a header).
 *
 * @param requestsPerSecond wrk's "Requests/sec"
 * @param unexpected responses outside 2xx/3xx plus socket errors: a run with any is not a
 * throughput of the request asked for
 * @param output what wrk printed
 */
record Wrk(double requestsPerSecond, long unexpected, String output) {

	static final Path BINARY = Path.of("/usr/bin/wrk");

	static boolean installed() {
		return Files.isExecutable(BINARY);
	}

	/**
	 * @param body sent with a POST (JSON) when not null; a GET otherwise
	 * @param headers sent with every request
	 */
	static Wrk run(String url, int connections, int seconds, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(
				List.of(BINARY.toString(), "-t2", "-c" + connections, "-d" + seconds + "s", "--timeout", "10s"));
		headers.forEach((name, value) -> command.addAll(List.of("-H", name + ": " + value)));
		if (body != null) {
			Path script = Files.createTempFile("wrk-post", ".lua");
			Files.writeString(script, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
					+ "wrk.body = '" + body + "'\n");
			command.addAll(List.of("-s", script.toString()));
		}
		command.add(url);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor();
		Double rate = null;
		long unexpected = 0;
		for (String line : output.split("\n")) {
			String trimmed = line.trim();
			if (trimmed.startsWith("Requests/sec:")) {
				rate = Double.parseDouble(trimmed.substring("Requests/sec:".length()).trim());
			}
			else if (trimmed.startsWith("Non-2xx or 3xx responses:")) {
				unexpected += Long.parseLong(trimmed.substring("Non-2xx or 3xx responses:".length()).trim());
			}
			else if (trimmed.startsWith("Socket errors:")) {
				for (String count : trimmed.replaceAll("[^0-9,]", "").split(",")) {
					unexpected += count.isEmpty() ? 0 : Long.parseLong(count);
				}
			}
		}
		if (rate == null) {
			throw new IllegalStateException("wrk printed no rate: " + output);
		}
		return new Wrk(rate, unexpected, output);
	}

}
