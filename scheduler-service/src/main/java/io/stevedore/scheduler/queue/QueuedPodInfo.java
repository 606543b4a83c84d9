package io.stevedore.scheduler.queue;

import java.time.Instant;

import io.stevedore.scheduler.framework.PodInfo;

/**
 * A pod waiting in the scheduling queue with its history: when it was first queued (for
 * the e2e latency and the age order), how many attempts it had (for the back-off), and
 * the plugins that rejected it last.
 */
public final class QueuedPodInfo {

	private PodInfo pod;

	private final Instant initialAttempt;

	private Instant timestamp;

	private int attempts;

	private long sequence;

	QueuedPodInfo(PodInfo pod, Instant now, long sequence) {
		this.pod = pod;
		this.initialAttempt = now;
		this.timestamp = now;
		this.sequence = sequence;
	}

	public PodInfo pod() {
		return this.pod;
	}

	void setPod(PodInfo pod) {
		this.pod = pod;
	}

	/** When the pod first entered the queue: the start of its e2e scheduling latency. */
	public Instant initialAttempt() {
		return this.initialAttempt;
	}

	/** When the pod last entered the queue (the age in the active queue's order). */
	public Instant timestamp() {
		return this.timestamp;
	}

	void setTimestamp(Instant timestamp, long sequence) {
		this.timestamp = timestamp;
		this.sequence = sequence;
	}

	long sequence() {
		return this.sequence;
	}

	public int attempts() {
		return this.attempts;
	}

	void incrementAttempts() {
		this.attempts++;
	}

}
