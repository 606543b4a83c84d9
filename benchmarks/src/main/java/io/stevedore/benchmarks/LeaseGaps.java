package io.stevedore.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Per node Lease, the gaps between successive renewTime values (the heartbeat as the node
 * wrote it) and between the watch events that carried them (the heartbeat as a watcher
 * such as the node lifecycle controller saw it), kept per phase of the run.
 * <p>
 * Threading: {@link #seen} from one watch thread; {@link #phase} and the reports from the
 * main thread.
 */
final class LeaseGaps {

	private final Map<String, long[]> last = new ConcurrentHashMap<>();

	private final List<List<Long>> renewGaps = new ArrayList<>();

	private final List<List<Long>> arrivalGaps = new ArrayList<>();

	private volatile int phase;

	LeaseGaps(int phases) {
		for (int i = 0; i < phases; i++) {
			this.renewGaps.add(new ArrayList<>());
			this.arrivalGaps.add(new ArrayList<>());
		}
	}

	void phase(int phase) {
		this.phase = phase;
	}

	/** A Lease as listed or watched. */
	synchronized void seen(ObjectStream.Arrival arrival) {
		JsonNode lease = arrival.object();
		String renew = lease.path("spec").path("renewTime").asText("");
		if (renew.isEmpty()) {
			return;
		}
		long micros = micros(Instant.parse(renew));
		String name = lease.path("metadata").path("name").asText();
		long[] before = this.last.get(name);
		if (before != null && micros <= before[0]) {
			return;
		}
		if (before != null) {
			this.renewGaps.get(this.phase).add((micros - before[0]) / 1000);
			this.arrivalGaps.get(this.phase).add((arrival.nanos() - before[1]) / 1_000_000);
		}
		this.last.put(name, new long[] { micros, arrival.nanos() });
	}

	int leases() {
		return this.last.size();
	}

	/** Leases whose last renewTime is older than the duration now: expired for good. */
	synchronized int staleNow(long durationMillis) {
		long now = micros(Instant.now());
		return (int) this.last.values().stream().filter(l -> (now - l[0]) / 1000 > durationMillis).count();
	}

	/** One line of the phase: p50/p99/max of both gaps, late and expired counts. */
	synchronized String report(int phase, long intervalMillis, long durationMillis) {
		return String.format("renewTime gaps %s; watch arrival gaps %s",
				summary(this.renewGaps.get(phase), intervalMillis, durationMillis),
				summary(this.arrivalGaps.get(phase), intervalMillis, durationMillis));
	}

	private static String summary(List<Long> gaps, long intervalMillis, long durationMillis) {
		if (gaps.isEmpty()) {
			return "none";
		}
		List<Long> sorted = new ArrayList<>(gaps);
		sorted.sort(null);
		long late = sorted.stream().filter(g -> g > 2 * intervalMillis).count();
		long expired = sorted.stream().filter(g -> g > durationMillis).count();
		return String.format("n=%d p50=%d p99=%d max=%d ms, >2x interval %d, >duration (expired) %d", sorted.size(),
				at(sorted, 50), at(sorted, 99), sorted.get(sorted.size() - 1), late, expired);
	}

	private static long at(List<Long> sorted, int percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
	}

	private static long micros(Instant instant) {
		return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
	}

}
