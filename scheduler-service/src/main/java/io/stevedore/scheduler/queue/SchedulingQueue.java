package io.stevedore.scheduler.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.stevedore.scheduler.framework.PodInfo;

/**
 * Kubernetes' {@code PriorityQueue} for pods waiting to be scheduled, in three parts:
 * <ul>
 * <li>activeQ: ready now, highest priority first, then oldest;</li>
 * <li>backoffQ: failed recently; each waits 1 s doubling per attempt up to 10 s, then
 * moves to activeQ ({@link #flushBackoffCompleted});</li>
 * <li>unschedulable: no node fit; they wait for a cluster event that could help
 * ({@link #moveAllToActiveOrBackoff}, e.g. a node added, a pod deleted), or at most
 * {@link #unschedulableTimeout} ({@link #flushUnschedulableLeftover}).</li>
 * </ul>
 * A cluster event seen while a pod was being scheduled sends that pod to backoffQ rather
 * than unschedulable when it fails, so the event is not lost (the "move request cycle").
 * <p>
 * Threading: every method is safe from any thread; {@link #pop} blocks the scheduling
 * thread until a pod is active or the queue is closed. Time comes from the clock.
 */
public final class SchedulingQueue {

	public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

	public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

	private final Clock clock;

	private final Duration unschedulableTimeout;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final PriorityQueue<QueuedPodInfo> activeQ = new PriorityQueue<>(
			Comparator.comparingInt((QueuedPodInfo p) -> -p.pod().priority())
				.thenComparing(QueuedPodInfo::timestamp)
				.thenComparingLong(QueuedPodInfo::sequence));

	private final PriorityQueue<QueuedPodInfo> backoffQ;

	private final Map<String, QueuedPodInfo> unschedulable = new HashMap<>();

	/** Every pod the queue holds (in any part), by namespace/name. */
	private final Map<String, QueuedPodInfo> all = new HashMap<>();

	/** Pods popped and not yet done (scheduled or re-queued). */
	private final Map<String, QueuedPodInfo> inFlight = new HashMap<>();

	/**
	 * In-flight pods updated during their cycle: the cycle ran on the old pod, so a
	 * failure backs off and retries rather than waiting for a cluster event.
	 */
	private final Set<String> updatedInFlight = new HashSet<>();

	private long schedulingCycle;

	private long moveRequestCycle = -1;

	private long sequence;

	private boolean closed;

	public SchedulingQueue(Clock clock, Duration unschedulableTimeout) {
		this.clock = clock;
		this.unschedulableTimeout = unschedulableTimeout;
		this.backoffQ = new PriorityQueue<>(Comparator.comparing(this::backoffExpiry));
	}

	/** A new unscheduled pod (or one seen again after a relist). */
	public void add(PodInfo pod) {
		this.lock.lock();
		try {
			if (this.inFlight.containsKey(pod.key())) {
				this.inFlight.get(pod.key()).setPod(pod);
				return;
			}
			QueuedPodInfo existing = this.all.get(pod.key());
			if (existing != null) {
				existing.setPod(pod);
				return;
			}
			QueuedPodInfo queued = new QueuedPodInfo(pod, this.clock.instant(), this.sequence++);
			this.all.put(pod.key(), queued);
			this.activeQ.add(queued);
			this.notEmpty.signal();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The pod changed (a label, a toleration added): an unschedulable pod gets another
	 * try at once, since the change may be what it needed.
	 */
	public void update(PodInfo pod) {
		this.lock.lock();
		try {
			QueuedPodInfo existing = this.all.get(pod.key());
			if (existing == null) {
				if (this.inFlight.containsKey(pod.key())) {
					this.inFlight.get(pod.key()).setPod(pod);
					this.updatedInFlight.add(pod.key());
				}
				else {
					add(pod);
				}
				return;
			}
			if (this.activeQ.remove(existing)) {
				existing.setPod(pod);
				this.activeQ.add(existing);
			}
			else if (this.backoffQ.remove(existing)) {
				existing.setPod(pod);
				this.backoffQ.add(existing);
			}
			else if (this.unschedulable.remove(pod.key()) != null) {
				existing.setPod(pod);
				requeue(existing);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The pod was deleted or bound by someone else. */
	public void delete(String key) {
		this.lock.lock();
		try {
			QueuedPodInfo existing = this.all.remove(key);
			if (existing != null) {
				this.activeQ.remove(existing);
				this.backoffQ.remove(existing);
				this.unschedulable.remove(key);
			}
			this.inFlight.remove(key);
			this.updatedInFlight.remove(key);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The next pod to schedule, waiting up to {@code timeout}; null on timeout or once
	 * the queue is closed.
	 */
	public QueuedPodInfo pop(Duration timeout) throws InterruptedException {
		this.lock.lock();
		try {
			long nanos = timeout.toNanos();
			while (this.activeQ.isEmpty() && !this.closed) {
				if (nanos <= 0) {
					return null;
				}
				nanos = this.notEmpty.awaitNanos(nanos);
			}
			if (this.closed) {
				return null;
			}
			QueuedPodInfo next = this.activeQ.poll();
			this.all.remove(next.pod().key());
			this.inFlight.put(next.pod().key(), next);
			next.incrementAttempts();
			this.schedulingCycle++;
			return next;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The cycle number of the last pop; pass it back to {@link #addUnschedulable}. */
	public long schedulingCycle() {
		this.lock.lock();
		try {
			return this.schedulingCycle;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The popped pod was placed (its bind may still be running). */
	public void done(String key) {
		this.lock.lock();
		try {
			this.inFlight.remove(key);
			this.updatedInFlight.remove(key);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A popped pod failed. It waits in the unschedulable part for a cluster event, unless
	 * one already arrived since it was popped, the pod was updated meanwhile or the
	 * failure was an error, in which case it backs off and retries.
	 * @param cycle the scheduling cycle in which the pod was popped
	 * @param error whether the failure was an error rather than "does not fit"
	 */
	public void addUnschedulable(QueuedPodInfo pod, long cycle, boolean error) {
		this.lock.lock();
		try {
			String key = pod.pod().key();
			boolean updated = this.updatedInFlight.remove(key);
			if (this.inFlight.remove(key) == null || this.all.containsKey(key)) {
				// Deleted while in flight, or re-added already: nothing to do.
				return;
			}
			pod.setTimestamp(this.clock.instant(), this.sequence++);
			this.all.put(key, pod);
			if (error || updated || this.moveRequestCycle >= cycle) {
				this.backoffQ.add(pod);
			}
			else {
				this.unschedulable.put(key, pod);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A cluster event (node added or changed, a pod deleted) may let unschedulable pods
	 * fit: all of them get another try, after their back-off. Kubernetes narrows this to
	 * the pods whose rejecting plugins care about the event; here every event moves every
	 * pod, which costs extra attempts but never leaves a pod waiting for nothing.
	 */
	public void moveAllToActiveOrBackoff() {
		this.lock.lock();
		try {
			for (QueuedPodInfo pod : new ArrayList<>(this.unschedulable.values())) {
				this.unschedulable.remove(pod.pod().key());
				requeue(pod);
			}
			this.moveRequestCycle = this.schedulingCycle;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void requeue(QueuedPodInfo pod) {
		if (backoffExpiry(pod).isAfter(this.clock.instant())) {
			this.backoffQ.add(pod);
		}
		else {
			this.activeQ.add(pod);
			this.notEmpty.signal();
		}
	}

	/** Moves pods whose back-off is over to activeQ; run every second. */
	public void flushBackoffCompleted() {
		this.lock.lock();
		try {
			Instant now = this.clock.instant();
			while (!this.backoffQ.isEmpty() && !backoffExpiry(this.backoffQ.peek()).isAfter(now)) {
				this.activeQ.add(this.backoffQ.poll());
				this.notEmpty.signal();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Retries pods unschedulable for longer than the timeout (5 minutes by default). */
	public void flushUnschedulableLeftover() {
		this.lock.lock();
		try {
			Instant deadline = this.clock.instant().minus(this.unschedulableTimeout);
			Iterator<QueuedPodInfo> it = this.unschedulable.values().iterator();
			while (it.hasNext()) {
				QueuedPodInfo pod = it.next();
				if (!pod.timestamp().isAfter(deadline)) {
					it.remove();
					requeue(pod);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * 1 s doubling per attempt after the first, capped at 10 s, from the last failure.
	 */
	Instant backoffExpiry(QueuedPodInfo pod) {
		return pod.timestamp().plus(backoffDuration(pod.attempts()));
	}

	static Duration backoffDuration(int attempts) {
		Duration duration = INITIAL_BACKOFF;
		for (int i = 1; i < attempts; i++) {
			duration = duration.multipliedBy(2);
			if (duration.compareTo(MAX_BACKOFF) >= 0) {
				return MAX_BACKOFF;
			}
		}
		return duration;
	}

	public int activeSize() {
		this.lock.lock();
		try {
			return this.activeQ.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	public int backoffSize() {
		this.lock.lock();
		try {
			return this.backoffQ.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	public int unschedulableSize() {
		this.lock.lock();
		try {
			return this.unschedulable.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Where the pod is now: "active", "backoff", "unschedulable", "in-flight" or null.
	 */
	public String whereIs(String key) {
		this.lock.lock();
		try {
			QueuedPodInfo pod = this.all.get(key);
			if (pod == null) {
				return this.inFlight.containsKey(key) ? "in-flight" : null;
			}
			if (this.unschedulable.containsKey(key)) {
				return "unschedulable";
			}
			return this.backoffQ.contains(pod) ? "backoff" : "active";
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Wakes {@link #pop} for good. */
	public void close() {
		this.lock.lock();
		try {
			this.closed = true;
			this.notEmpty.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	List<String> activeKeys() {
		this.lock.lock();
		try {
			List<QueuedPodInfo> sorted = new ArrayList<>(this.activeQ);
			sorted.sort(this.activeQ.comparator());
			return sorted.stream().map((p) -> p.pod().key()).toList();
		}
		finally {
			this.lock.unlock();
		}
	}

}
