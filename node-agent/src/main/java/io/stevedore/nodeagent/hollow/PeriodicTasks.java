package io.stevedore.nodeagent.hollow;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every hollow node's periodic work on a few shared threads. A timer of two platform
 * threads fires all tasks at a fixed rate; tasks that only read memory (the PLEG relist
 * of a simulated runtime) run on it, tasks that call the apiserver (Lease renewal, node
 * status) go to a lane ({@link #lane}): a few platform threads taking calls in the order
 * they fired, so a slow answer holds no timer thread and the apiserver is not handed a
 * thousand requests in one instant when it falls behind. Lanes are platform threads, not
 * virtual ones, on purpose: on a starved machine a virtual thread's continuation queues
 * behind the pod workers' (virtual too) on the same few carrier threads, and a Lease
 * renewal came 30 s late in a 1,000-node run; a platform thread gets its own share from
 * the OS. A call still running when its next beat comes skips that beat (counted), as the
 * kubelet's loops run one iteration at a time.
 * <p>
 * Threading: tasks may be added from any thread; each task never runs twice at once.
 */
final class PeriodicTasks implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PeriodicTasks.class);

	private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2,
			Thread.ofPlatform().name("hollow-timer-", 0).daemon().factory());

	private final List<ExecutorService> lanes = new CopyOnWriteArrayList<>();

	private final AtomicLong skipped = new AtomicLong();

	/** A lane of API calls: {@code threads} calls at most in flight, in firing order. */
	ExecutorService lane(String name, int threads) {
		ExecutorService lane = Executors.newFixedThreadPool(threads,
				Thread.ofPlatform().name("hollow-" + name + "-", 0).daemon().factory());
		this.lanes.add(lane);
		return lane;
	}

	/** A task that touches only memory: runs on the timer's thread. */
	void local(Runnable task, Duration first, Duration period) {
		this.timer.scheduleAtFixedRate(() -> guarded(task), first.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * A task that calls the apiserver, run on its lane: once at {@code first}, then at
	 * {@code phase} and every {@code period} after it.
	 */
	void remote(Runnable task, ExecutorService lane, Duration first, Duration phase, Duration period) {
		AtomicBoolean busy = new AtomicBoolean();
		Runnable beat = () -> fire(task, lane, busy);
		this.timer.schedule(beat, first.toNanos(), TimeUnit.NANOSECONDS);
		this.timer.scheduleAtFixedRate(beat, phase.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void fire(Runnable task, ExecutorService lane, AtomicBoolean busy) {
		if (!busy.compareAndSet(false, true)) {
			this.skipped.incrementAndGet();
			return;
		}
		try {
			lane.execute(() -> {
				try {
					guarded(task);
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
		this.lanes.forEach(ExecutorService::shutdownNow);
	}

}
