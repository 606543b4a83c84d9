package io.stevedore.proxy.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of wrk ({@code -t2 --latency}) and the figures the benchmarks print from its
 * report.
 *
 * @param requestsPerSecond wrk's "Requests/sec", as printed
 * @param requests the requests completed during the run
 * @param p99 the 99th percentile latency, as printed
 * @param non2xx responses that were not 2xx or 3xx ("0" when wrk reports none)
 * @param socketErrors wrk's socket errors line ("none" when it has none)
 */
public record Wrk(String requestsPerSecond, long requests, String p99, String non2xx, String socketErrors) {

	private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

	public static Wrk run(String url, int seconds, int connections) throws Exception {
		Process process = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", url)
			.redirectErrorStream(true)
			.start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor();
		Matcher total = REQUESTS.matcher(out);
		return new Wrk(find(out, "Requests/sec:"), total.find() ? Long.parseLong(total.group(1)) : 0, find(out, "99%"),
				out.contains("Non-2xx") ? find(out, "Non-2xx or 3xx responses:") : "0",
				out.contains("Socket errors") ? find(out, "Socket errors:") : "none");
	}

	private static String find(String out, String key) {
		for (String line : out.split("\n")) {
			String trimmed = line.trim();
			if (trimmed.startsWith(key)) {
				return trimmed.substring(key.length()).trim();
			}
		}
		return "?";
	}

}
