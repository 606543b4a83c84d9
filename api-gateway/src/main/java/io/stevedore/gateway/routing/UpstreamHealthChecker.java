package io.stevedore.gateway.routing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Polls {@code /readyz} of every apiserver replica and marks it ready or not. One daemon
 * thread; the first probe runs at start, so a dead replica is skipped from the first
 * seconds on.
 */
public final class UpstreamHealthChecker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(UpstreamHealthChecker.class);

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

	private final UpstreamPool pool;

	private final Duration interval;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();

	private ScheduledExecutorService executor;

	public UpstreamHealthChecker(UpstreamPool pool, Duration interval) {
		this.pool = pool;
		this.interval = interval;
	}

	/** Probes every replica once, now. */
	public void probeAll() {
		for (Upstream upstream : this.pool.all()) {
			boolean before = upstream.isReady();
			boolean ready = upstream.recordProbe(probe(upstream.url()));
			if (ready != before) {
				log.info("apiserver readiness changed upstream={} ready={}", upstream, ready);
			}
		}
	}

	private boolean probe(URI base) {
		try {
			HttpRequest request = HttpRequest.newBuilder(base.resolve("/readyz")).timeout(PROBE_TIMEOUT).build();
			return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (Exception ex) {
			return false;
		}
	}

	@Override
	public synchronized void start() {
		this.executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "apiserver-health");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::probeAll, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
