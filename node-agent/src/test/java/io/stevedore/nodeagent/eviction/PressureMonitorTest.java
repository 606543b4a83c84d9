package io.stevedore.nodeagent.eviction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Pod;

import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Conditions, events and the disk reclaim as the signals cross the thresholds. */
class PressureMonitorTest {

	private final FakeClock clock = new FakeClock();

	private final Map<EvictionSignal, Observation> observed = new EnumMap<>(EvictionSignal.class);

	private final List<String> events = new ArrayList<>();

	private int reclaims;

	private final PressureMonitor monitor = new PressureMonitor(
			EvictionThreshold.parse("p", "memory.available<100Mi,nodefs.available<10%,imagefs.available<15%"),
			() -> new EnumMap<>(this.observed), Duration.ofMinutes(5),
			(type, reason, message) -> this.events.add(type + " " + reason + " " + message), () -> this.reclaims++,
			this.clock);

	@Test
	void aFullDiskIsDiskPressureWithOneEventAndOneReclaim() {
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(1L << 30, 4L << 30));
		this.observed.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(50, 100));
		this.monitor.synchronize();
		assertThat(this.monitor.conditions()).isEmpty();

		this.observed.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(5, 100));
		this.observed.put(EvictionSignal.IMAGEFS_AVAILABLE, new Observation(5, 100));
		this.monitor.synchronize();
		this.clock.advance(Duration.ofSeconds(10));
		this.monitor.synchronize();

		assertThat(this.monitor.conditions()).containsExactly("DiskPressure");
		assertThat(this.events).containsExactly("Warning EvictionThresholdMet Attempting to reclaim ephemeral-storage");
		// One event, but a reclaim on every run the disk is short, as the kubelet's.
		assertThat(this.reclaims).isEqualTo(2);
	}

	@Test
	void whileMemoryIsShortOnePodIsEvictedPerRunAndNoneOnceItRecovered() {
		List<String> evicted = new ArrayList<>();
		List<Pod> pods = List.of(EvictionTestPods.pod("a").build(), EvictionTestPods.pod("b").build(),
				EvictionTestPods.pod("c").build());
		Evictions evictions = stoppingAtOnce(pods, evicted);
		PressureMonitor withEvictor = new PressureMonitor(
				EvictionThreshold.parse("p", "memory.available<100Mi,nodefs.available<10%"),
				() -> new EnumMap<>(this.observed), Duration.ofMinutes(5), (type, reason, message) -> {
				}, () -> this.reclaims++, this.clock,
				new PodEvictor(() -> pods, (pod, signal) -> Map.of(), evictions, Duration.ZERO), Map.of());
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(50L << 20, 4L << 30));
		// Short of disk too: memory is reclaimed first, and the disk's reclaim waits.
		this.observed.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(5, 100));

		withEvictor.synchronize();
		withEvictor.synchronize();
		assertThat(evicted).hasSize(2);
		assertThat(this.reclaims).isZero();

		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(1L << 30, 4L << 30));
		this.observed.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(50, 100));
		withEvictor.synchronize();
		assertThat(evicted).hasSize(2);
		assertThat(withEvictor.conditions()).containsExactlyInAnyOrder("MemoryPressure", "DiskPressure");
	}

	@Test
	void aSoftThresholdIsPressureAtOnceButEvictsOnlyAfterItsGracePeriodWithoutABreak() {
		List<String> evicted = new ArrayList<>();
		List<Pod> pods = List.of(EvictionTestPods.pod("a").build(), EvictionTestPods.pod("b").build());
		PressureMonitor soft = new PressureMonitor(
				EvictionThreshold.parseSoft("s", "memory.available<1Gi", "g", "memory.available=1m"),
				() -> new EnumMap<>(this.observed), Duration.ofMinutes(5), (type, reason, message) -> {
				}, () -> this.reclaims++, this.clock, new PodEvictor(() -> pods, (pod, signal) -> Map.of(),
						new Evictions(Set::of, evicted::add), Duration.ofSeconds(30)),
				Map.of());
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(512L << 20, 4L << 30));

		soft.synchronize();
		assertThat(soft.conditions()).containsExactly("MemoryPressure");
		this.clock.advance(Duration.ofSeconds(50));
		soft.synchronize();
		assertThat(evicted).isEmpty();

		// A break: the grace period starts again.
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(2L << 30, 4L << 30));
		this.clock.advance(Duration.ofSeconds(10));
		soft.synchronize();
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(512L << 20, 4L << 30));
		this.clock.advance(Duration.ofSeconds(10));
		soft.synchronize();
		this.clock.advance(Duration.ofSeconds(50));
		soft.synchronize();
		assertThat(evicted).isEmpty();

		this.clock.advance(Duration.ofSeconds(10));
		soft.synchronize();
		assertThat(evicted).hasSize(1);
	}

	@Test
	void aMetThresholdStaysMetUntilTheMinimumReclaimAboveIt() {
		List<String> evicted = new ArrayList<>();
		List<Pod> pods = List.of(EvictionTestPods.pod("a").build(), EvictionTestPods.pod("b").build(),
				EvictionTestPods.pod("c").build());
		PressureMonitor monitor = new PressureMonitor(EvictionThreshold.parse("p", "memory.available<100Mi"),
				() -> new EnumMap<>(this.observed), Duration.ZERO, (type, reason, message) -> {
				}, () -> this.reclaims++, this.clock,
				new PodEvictor(() -> pods, (pod, signal) -> Map.of(), stoppingAtOnce(pods, evicted), Duration.ZERO),
				EvictionThreshold.parseMinimumReclaim("m", "memory.available=500Mi"));
		// Above the threshold, never met: the minimum reclaim does not apply.
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(200L << 20, 4L << 30));
		monitor.synchronize();
		assertThat(evicted).isEmpty();

		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(50L << 20, 4L << 30));
		monitor.synchronize();
		// Back above 100Mi but below 100Mi + 500Mi: still met, another pod goes.
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(200L << 20, 4L << 30));
		monitor.synchronize();
		assertThat(evicted).hasSize(2);
		assertThat(monitor.conditions()).containsExactly("MemoryPressure");

		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(700L << 20, 4L << 30));
		monitor.synchronize();
		assertThat(evicted).hasSize(2);
		assertThat(monitor.conditions()).isEmpty();
	}

	/**
	 * Evictions whose pods the sync stops at once: Failed and done as soon as chosen, so
	 * the next run may choose another.
	 */
	private static Evictions stoppingAtOnce(List<Pod> pods, List<String> evicted) {
		Evictions[] evictions = new Evictions[1];
		evictions[0] = new Evictions(Set::of, key -> {
			evicted.add(key);
			Pod pod = pods.stream()
				.filter(p -> key.endsWith("/" + p.getMetadata().getName()))
				.findFirst()
				.orElseThrow();
			pod.getStatus().setPhase("Failed");
			evictions[0].done(pod);
		});
		return evictions[0];
	}

	@Test
	void aDiskTheNodesOwnReclaimFreedEvictsNoPod() {
		List<String> evicted = new ArrayList<>();
		PressureMonitor withEvictor = new PressureMonitor(EvictionThreshold.parse("p", "nodefs.available<10%"),
				() -> new EnumMap<>(this.observed), Duration.ofMinutes(5), (type, reason, message) -> {
				}, () -> {
					this.reclaims++;
					this.observed.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(30, 100));
				}, this.clock, new PodEvictor(() -> List.of(EvictionTestPods.pod("a").build()),
						(pod, signal) -> Map.of(), new Evictions(Set::of, evicted::add), Duration.ZERO),
				Map.of());
		this.observed.put(EvictionSignal.NODEFS_AVAILABLE, new Observation(5, 100));

		withEvictor.synchronize();

		assertThat(this.reclaims).isEqualTo(1);
		assertThat(evicted).isEmpty();
		assertThat(withEvictor.conditions()).containsExactly("DiskPressure");
	}

	@Test
	void theConditionStaysForTheTransitionPeriodAfterTheSignalRecovers() {
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(50L << 20, 4L << 30));
		this.monitor.synchronize();
		assertThat(this.monitor.conditions()).containsExactly("MemoryPressure");
		assertThat(this.reclaims).isZero();

		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(1L << 30, 4L << 30));
		this.clock.advance(Duration.ofMinutes(4));
		this.monitor.synchronize();
		assertThat(this.monitor.conditions()).containsExactly("MemoryPressure");

		this.clock.advance(Duration.ofMinutes(1));
		this.monitor.synchronize();
		assertThat(this.monitor.conditions()).isEmpty();

		// Met again: a new event.
		this.observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(50L << 20, 4L << 30));
		this.monitor.synchronize();
		assertThat(this.events).containsExactly("Warning EvictionThresholdMet Attempting to reclaim memory",
				"Warning EvictionThresholdMet Attempting to reclaim memory");
	}

	@Test
	void aSignalNotObservedMeetsNothing() {
		this.monitor.synchronize();
		assertThat(this.monitor.conditions()).isEmpty();
		assertThat(this.events).isEmpty();
	}

}
