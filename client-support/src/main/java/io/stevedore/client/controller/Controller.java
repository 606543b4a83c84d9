package io.stevedore.client.controller;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import io.stevedore.client.workqueue.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The skeleton every controller runs on: N workers take keys from a {@link WorkQueue} and
 * call {@link Reconciler#reconcile}; a failure re-queues the key with per-key backoff, a
 * success forgets its failures, a {@link Result#requeueAfter} looks again later. Workers
 * start only once the informers feeding the queue have synced, so a reconcile never acts
 * on a half-filled cache (client-go's {@code WaitForCacheSync}).
 * <p>
 * Threading: {@link #start} and {@link #stop} may be called from any thread, once each.
 * The queue guarantees a key is never reconciled by two workers at once.
 */
public final class Controller {

	private static final Logger log = LoggerFactory.getLogger(Controller.class);

	private static final Duration SYNC_POLL = Duration.ofMillis(50);

	private final String name;

	private final WorkQueue<String> queue;

	private final Reconciler reconciler;

	private final int workers;

	private final BooleanSupplier cachesSynced;

	private final Clock clock;

	private final List<Thread> threads = new ArrayList<>();

	/**
	 * @param cachesSynced true once every informer this controller reads has listed
	 */
	public Controller(String name, WorkQueue<String> queue, Reconciler reconciler, int workers,
			BooleanSupplier cachesSynced, Clock clock) {
		if (workers < 1) {
			throw new IllegalArgumentException("controller " + name + ": workers must be at least 1, got " + workers);
		}
		this.name = name;
		this.queue = queue;
		this.reconciler = reconciler;
		this.workers = workers;
		this.cachesSynced = cachesSynced;
		this.clock = clock;
	}

	public String name() {
		return this.name;
	}

	public WorkQueue<String> queue() {
		return this.queue;
	}

	/** Waits for the caches on a thread of its own, then starts the workers. */
	public synchronized void start() {
		Thread starter = Thread.ofVirtual().name("controller-" + this.name + "-start").start(this::waitAndRunWorkers);
		this.threads.add(starter);
	}

	/** Shuts the queue down (workers finish their current key) and waits for them. */
	public void stop() {
		this.queue.shutDown();
		List<Thread> running;
		synchronized (this) {
			running = List.copyOf(this.threads);
		}
		for (Thread thread : running) {
			thread.interrupt();
		}
		for (Thread thread : running) {
			try {
				thread.join(Duration.ofSeconds(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		log.info("controller stopped controller={}", this.name);
	}

	private void waitAndRunWorkers() {
		try {
			while (!this.cachesSynced.getAsBoolean()) {
				if (this.queue.isShuttingDown()) {
					return;
				}
				Thread.sleep(SYNC_POLL);
			}
		}
		catch (InterruptedException ex) {
			return;
		}
		log.info("controller started controller={} workers={}", this.name, this.workers);
		synchronized (this) {
			for (int i = 0; i < this.workers; i++) {
				if (this.queue.isShuttingDown()) {
					return;
				}
				this.threads.add(Thread.ofVirtual().name("controller-" + this.name + "-" + i).start(this::runWorker));
			}
		}
	}

	private void runWorker() {
		try {
			while (processNextWorkItem()) {
				// until the queue shuts down
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Takes one key, reconciles it and settles it in the queue.
	 * @return false once the queue is shut down
	 */
	public boolean processNextWorkItem() throws InterruptedException {
		Optional<String> next = this.queue.get();
		if (next.isEmpty()) {
			return false;
		}
		process(next.get());
		return true;
	}

	/** Reconciles one key already taken from the queue; always marks it done. */
	public void process(String key) {
		long started = this.clock.millis();
		try {
			Result result = this.reconciler.reconcile(key);
			this.queue.forget(key);
			if (result != null && result.requeue()) {
				this.queue.addAfter(key, result.requeueAfter());
			}
			log.debug("reconciled controller={} key={} durationMs={}", this.name, key, this.clock.millis() - started);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			int requeues = this.queue.numRequeues(key);
			if (requeues < 3) {
				log.info("reconcile failed, will retry controller={} key={} requeues={} error=\"{}\"", this.name, key,
						requeues, ex.toString());
			}
			else {
				// A key that keeps failing is worth its stack trace.
				log.warn("reconcile failed, will retry controller={} key={} requeues={}", this.name, key, requeues, ex);
			}
			this.queue.addRateLimited(key);
		}
		finally {
			this.queue.done(key);
		}
	}

}
