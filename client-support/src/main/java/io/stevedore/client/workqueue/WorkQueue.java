package io.stevedore.client.workqueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The rate-limited, de-duplicating work queue every controller feeds its keys into
 * (client-go's {@code workqueue.TypedRateLimitingInterface}, with the same contract):
 * <ul>
 * <li>An item added many times before a worker takes it is processed once ("dirty").</li>
 * <li>An item is never handed to two workers at once: added again while being processed,
 * it waits until {@link #done} and then goes back to the queue once.</li>
 * <li>{@link #addAfter} holds an item until the clock reaches its time; the earliest
 * requested time wins. {@link #addRateLimited} uses the {@link RateLimiter}'s per-item
 * backoff; {@link #forget} resets it.</li>
 * </ul>
 * Threading: every method is safe for concurrent use. Time comes only from the injected
 * {@link Clock}, so a test drives delays with a fake clock and {@link #poll()}.
 *
 * @param <T> the item, usually a {@code namespace/name} key; must have value equality
 */
public final class WorkQueue<T> {

	private final Clock clock;

	private final RateLimiter<T> rateLimiter;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	/** Items ready for a worker, in order. Each is also in {@link #dirty}. */
	private final ArrayDeque<T> queue = new ArrayDeque<>();

	/** Items that need processing: queued, or re-added while being processed. */
	private final Set<T> dirty = new HashSet<>();

	/** Items a worker holds between {@link #get} and {@link #done}. */
	private final Set<T> processing = new HashSet<>();

	private final PriorityQueue<Waiting<T>> waiting = new PriorityQueue<>();

	private final Map<T, Waiting<T>> waitingByItem = new HashMap<>();

	private long sequence;

	private boolean shuttingDown;

	public WorkQueue(Clock clock, RateLimiter<T> rateLimiter) {
		this.clock = clock;
		this.rateLimiter = rateLimiter;
	}

	/** A queue on the system clock with client-go's default controller backoff. */
	public static <T> WorkQueue<T> withDefaults() {
		return new WorkQueue<>(Clock.systemUTC(), ExponentialFailureRateLimiter.defaults());
	}

	/** Marks the item as needing processing. Ignored after {@link #shutDown}. */
	public void add(T item) {
		this.lock.lock();
		try {
			addLocked(item);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Adds the item once {@code delay} has passed on the clock. */
	public void addAfter(T item, Duration delay) {
		if (delay.isNegative() || delay.isZero()) {
			add(item);
			return;
		}
		this.lock.lock();
		try {
			if (this.shuttingDown) {
				return;
			}
			Instant readyAt = this.clock.instant().plus(delay);
			Waiting<T> existing = this.waitingByItem.get(item);
			if (existing != null) {
				if (!readyAt.isBefore(existing.readyAt)) {
					return;
				}
				this.waiting.remove(existing);
			}
			Waiting<T> entry = new Waiting<>(item, readyAt, this.sequence++);
			this.waiting.add(entry);
			this.waitingByItem.put(item, entry);
			// A worker blocked in get() recomputes how long to wait.
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Adds the item after the rate limiter's backoff for it: a failed attempt. */
	public void addRateLimited(T item) {
		addAfter(item, this.rateLimiter.when(item));
	}

	/** The item succeeded: its next failure backs off from the start again. */
	public void forget(T item) {
		this.rateLimiter.forget(item);
	}

	public int numRequeues(T item) {
		return this.rateLimiter.numRequeues(item);
	}

	/**
	 * Blocks until an item is ready and hands it to the caller, who must call
	 * {@link #done} with it. Empty once the queue is shut down: workers stop at once
	 * rather than draining, because a controller that lost leadership must not act.
	 */
	public Optional<T> get() throws InterruptedException {
		this.lock.lock();
		try {
			while (true) {
				if (this.shuttingDown) {
					return Optional.empty();
				}
				releaseDue();
				if (!this.queue.isEmpty()) {
					return Optional.of(takeLocked());
				}
				Waiting<T> next = this.waiting.peek();
				if (next == null) {
					this.changed.await();
				}
				else {
					long nanos = Duration.between(this.clock.instant(), next.readyAt).toNanos();
					// At least a millisecond, so a clock that does not move (a fake one)
					// does not spin.
					this.changed.awaitNanos(Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1)));
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes a ready item without blocking: releases the delayed items whose time has come
	 * first. For tests on a fake clock, and for callers that poll.
	 */
	public Optional<T> poll() {
		this.lock.lock();
		try {
			if (this.shuttingDown) {
				return Optional.empty();
			}
			releaseDue();
			return this.queue.isEmpty() ? Optional.empty() : Optional.of(takeLocked());
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The worker finished the item. If it was added again meanwhile, it goes back to the
	 * queue now.
	 */
	public void done(T item) {
		this.lock.lock();
		try {
			this.processing.remove(item);
			if (this.dirty.contains(item)) {
				this.queue.addLast(item);
				this.changed.signal();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Stops accepting items and wakes every blocked worker, which then gets empty. */
	public void shutDown() {
		this.lock.lock();
		try {
			this.shuttingDown = true;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	public boolean isShuttingDown() {
		this.lock.lock();
		try {
			return this.shuttingDown;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Items ready for a worker now (not those waiting for their time). */
	public int length() {
		this.lock.lock();
		try {
			return this.queue.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Items held by {@link #addAfter} until their time. */
	public int waitingLength() {
		this.lock.lock();
		try {
			return this.waiting.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void addLocked(T item) {
		if (this.shuttingDown || !this.dirty.add(item)) {
			return;
		}
		if (this.processing.contains(item)) {
			// done() re-queues it; handing it out now would run it twice at once.
			return;
		}
		this.queue.addLast(item);
		this.changed.signal();
	}

	private T takeLocked() {
		T item = this.queue.removeFirst();
		this.processing.add(item);
		this.dirty.remove(item);
		return item;
	}

	private void releaseDue() {
		Instant now = this.clock.instant();
		while (!this.waiting.isEmpty() && !this.waiting.peek().readyAt.isAfter(now)) {
			Waiting<T> due = this.waiting.poll();
			this.waitingByItem.remove(due.item);
			addLocked(due.item);
		}
	}

	private record Waiting<T>(T item, Instant readyAt, long sequence) implements Comparable<Waiting<T>> {

		@Override
		public int compareTo(Waiting<T> other) {
			int byTime = this.readyAt.compareTo(other.readyAt);
			return byTime != 0 ? byTime : Long.compare(this.sequence, other.sequence);
		}

	}

}
