package io.stevedore.e2e.stories;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady HTTP load through a fixed number of workers, each sending one request per new
 * TCP connection ({@code Connection: close}), as clients that keep arriving do: every
 * request is a new connection the Service proxy must route, which is where a rolling
 * update drops requests if a pod stops before it left every node's routing.
 * <p>
 * A request fails if it cannot connect (refused, reset, unreachable), is reset or cut
 * short, or gets anything but {@code 200}; it is slow, not failed, if it takes long on a
 * loaded machine (the timeouts are generous and reported separately).
 */
final class HttpLoad implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(15);

	private final InetSocketAddress target;

	private final List<Thread> workers = new ArrayList<>();

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final LongAdder succeeded = new LongAdder();

	private final LongAdder failed = new LongAdder();

	private final AtomicLong slowest = new AtomicLong();

	private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	private final List<String> firstFailures = Collections.synchronizedList(new ArrayList<>());

	private final long startNanos = System.nanoTime();

	private volatile long stopNanos;

	private HttpLoad(InetSocketAddress target) {
		this.target = target;
	}

	static HttpLoad start(String host, int port, int concurrency) {
		HttpLoad load = new HttpLoad(new InetSocketAddress(host, port));
		for (int i = 0; i < concurrency; i++) {
			Thread worker = Thread.ofPlatform().daemon().name("http-load-" + i).start(load::work);
			load.workers.add(worker);
		}
		return load;
	}

	private void work() {
		byte[] request = ("GET / HTTP/1.0\r\nHost: " + this.target.getHostString() + "\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		while (this.running.get()) {
			long start = System.nanoTime();
			String failure = request(request);
			long took = System.nanoTime() - start;
			this.slowest.accumulateAndGet(took, Math::max);
			if (!this.running.get() && failure != null) {
				return; // cut off by close()
			}
			if (failure == null) {
				this.succeeded.increment();
			}
			else {
				this.failed.increment();
				this.failures.computeIfAbsent(failure, (k) -> new LongAdder()).increment();
				if (this.firstFailures.size() < 20) {
					this.firstFailures.add(java.time.Instant.now() + " " + failure);
				}
			}
		}
	}

	/** One request on a new connection: null when it got a 200, else what went wrong. */
	private String request(byte[] request) {
		try (Socket socket = new Socket()) {
			socket.setSoLinger(true, 0);
			socket.connect(this.target, (int) TIMEOUT.toMillis());
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] response = in.readAllBytes();
			String head = new String(response, 0, Math.min(response.length, 12), StandardCharsets.US_ASCII);
			if (!head.startsWith("HTTP/1.") || !head.substring(9).startsWith("200")) {
				return "status: " + (response.length == 0 ? "empty response" : head);
			}
			return null;
		}
		catch (IOException ex) {
			return ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
	}

	long succeeded() {
		return this.succeeded.sum();
	}

	long failed() {
		return this.failed.sum();
	}

	long total() {
		return succeeded() + failed();
	}

	Duration elapsed() {
		long end = this.stopNanos == 0 ? System.nanoTime() : this.stopNanos;
		return Duration.ofNanos(end - this.startNanos);
	}

	double ratePerSecond() {
		return total() / (elapsed().toNanos() / 1e9);
	}

	String report() {
		return String.format("%d requests in %.1f s (%.0f/s), %d failed, slowest %d ms; failures: %s; first: %s",
				total(), elapsed().toNanos() / 1e9, ratePerSecond(), failed(),
				Duration.ofNanos(this.slowest.get()).toMillis(), this.failures, this.firstFailures);
	}

	@Override
	public void close() {
		if (this.running.compareAndSet(true, false)) {
			this.stopNanos = System.nanoTime();
			for (Thread worker : this.workers) {
				try {
					worker.join(TIMEOUT.plusSeconds(5).toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

}
