package io.stevedore.nodeagent.hollow;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every hollow node's periodic work on a few shared threads. A timer of two platform
 * threads fires all tasks at a fixed rate; tasks that only read memory (the PLEG relist
 * of a simulated runtime) run on it, tasks that call the apiserver (Lease renewal, node
 * status) each get a virtual thread, so a slow answer holds no timer thread and delays no
 * other node. At most {@code concurrency} API calls are in flight at once, served in the
 * order they fired (a fair semaphore): the apiserver is not handed a thousand requests in
 * one instant when it falls behind. A call still running when its next beat comes skips
 * that beat (counted), as the kubelet's loops run one iteration at a time.
 * <p>
 * Threading: tasks may be added from any thread; each task never runs twice at once.
 */
final class PeriodicTasks implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PeriodicTasks.class);

	private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2,
			Thread.ofPlatform().name("hollow-timer-", 0).daemon().factory());

	private final ExecutorService calls = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("hollow-call-", 0).factory());

	private final Semaphore inFlight;

	private final AtomicLong skipped = new AtomicLong();

	PeriodicTasks(int concurrency) {
		this.inFlight = new Semaphore(concurrency, true);
	}

	/** A task that touches only memory: runs on the timer's thread. */
	void local(Runnable task, Duration first, Duration period) {
		this.timer.scheduleAtFixedRate(() -> guarded(task), first.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * A task that calls the apiserver, each run on a virtual thread of its own: once at
	 * {@code first}, then at {@code phase} and every {@code period} after it.
	 */
	void remote(Runnable task, Duration first, Duration phase, Duration period) {
		AtomicBoolean busy = new AtomicBoolean();
		Runnable beat = () -> fire(task, busy);
		this.timer.schedule(beat, first.toNanos(), TimeUnit.NANOSECONDS);
		this.timer.scheduleAtFixedRate(beat, phase.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void fire(Runnable task, AtomicBoolean busy) {
		if (!busy.compareAndSet(false, true)) {
			this.skipped.incrementAndGet();
			return;
		}
		try {
			this.calls.execute(() -> {
				try {
					this.inFlight.acquire();
					try {
						guarded(task);
					}
					finally {
						this.inFlight.release();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					busy.set(false);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closing
			busy.set(false);
		}
	}

	/** A task that throws would end its schedule: log and go on with the next beat. */
	private static void guarded(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			log.warn("hollow node task failed error=\"{}\"", ex.toString());
		}
	}

	/** Beats skipped because the previous call of the same task was still running. */
	long skipped() {
		return this.skipped.get();
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
		this.calls.shutdownNow();
	}

}
