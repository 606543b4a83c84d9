package io.stevedore.benchmarks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one request at a fixed rate, each on its own virtual thread, and times it from
 * the moment it was scheduled to be sent, not from when it was: a server that stalls
 * delays the requests behind the stall, and that delay is counted (no coordinated
 * omission).
 */
final class FixedRate {

	private FixedRate() {
	}

	/**
	 * @param latencies of the requests answered 200
	 * @param failed requests answered otherwise, or not at all
	 * @param failures how many failed of each HTTP status or exception
	 */
	record Result(Percentiles latencies, int failed, Map<String, Integer> failures) {
	}

	static Result send(HttpClient http, HttpRequest request, int perSecond, int seconds) throws InterruptedException {
		int total = perSecond * seconds;
		long[] latencies = new long[total];
		AtomicInteger done = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		Map<String, Integer> failures = new ConcurrentSkipListMap<>();
		long interval = 1_000_000_000L / perSecond;
		long start = System.nanoTime() + 100_000_000L;
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < total; i++) {
				long scheduled = start + i * interval;
				long wait = scheduled - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				pool.submit(() -> {
					String failure;
					try {
						HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() == 200) {
							latencies[done.getAndIncrement()] = System.nanoTime() - scheduled;
							return;
						}
						failure = "HTTP " + response.statusCode();
					}
					catch (IOException ex) {
						failure = ex.getClass().getSimpleName();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						failure = "interrupted";
					}
					failed.incrementAndGet();
					failures.merge(failure, 1, Integer::sum);
				});
			}
		}
		return new Result(new Percentiles(latencies, done.get()), failed.get(), failures);
	}

}
