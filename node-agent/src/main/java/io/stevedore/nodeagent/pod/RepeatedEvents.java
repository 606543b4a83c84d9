package io.stevedore.nodeagent.pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often an event that repeats while a container waits (the back-off events, "Error:
 * ImagePullBackOff") is recorded. The kubelet records them on each sync of the waiting
 * pod, and its pod workers retry a failed sync after 10 s; this agent looks at a pod that
 * waits for its image every second. Recorded at that pace they would be a count patch per
 * second each, and would spend the pod's share of the event spam filter (25, then one per
 * 5 minutes) in half a minute, dropping the events that matter after them (Pulled,
 * Started). So each key is recorded at most once per {@link #PERIOD}, the kubelet's
 * cadence. Threading: synchronized; callers are the sync workers.
 */
final class RepeatedEvents {

	/** The kubelet's pod worker back-off after a failed sync. */
	static final Duration PERIOD = Duration.ofSeconds(10);

	/** Keys remembered at most: the oldest are forgotten first. */
	static final int CAPACITY = 4096;

	private final Clock clock;

	private final Map<String, Instant> last = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
			return size() > CAPACITY;
		}

	};

	RepeatedEvents(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Whether the event of {@code key} is to be recorded now; if so, now is remembered as
	 * its last time.
	 */
	synchronized boolean due(String key) {
		Instant now = this.clock.instant();
		Instant previous = this.last.get(key);
		if (previous != null && Duration.between(previous, now).compareTo(PERIOD) < 0) {
			return false;
		}
		this.last.put(key, now);
		return true;
	}

}
