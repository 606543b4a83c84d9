package io.stevedore.nodeagent.eviction;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AllocatableMemorySignalTest {

	private final NodeSignals host = () -> Map.of(EvictionSignal.MEMORY_AVAILABLE, new Observation(5000, 9000));

	@Test
	void allocatableLessThePodsWorkingSetIsObservedBesideTheHostsSignals() {
		var observed = new AllocatableMemorySignal(this.host, 1000, () -> OptionalLong.of(300)).observe();

		assertThat(observed).containsEntry(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE, new Observation(700, 1000))
			.containsEntry(EvictionSignal.MEMORY_AVAILABLE, new Observation(5000, 9000));
	}

	@Test
	void anUnreadableWorkingSetLeavesTheSignalOut() {
		var observed = new AllocatableMemorySignal(this.host, 1000, OptionalLong::empty).observe();

		assertThat(observed).doesNotContainKey(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE);
	}

	@Test
	void eachHardMemoryThresholdAlsoHoldsForAllocatableMemory() {
		List<EvictionThreshold> thresholds = EvictionThreshold.parse("hard",
				"memory.available<100Mi,nodefs.available<10%");
		thresholds.addAll(EvictionThreshold.parseSoft("soft", "memory.available<1Gi", "grace", "memory.available=1m"));

		assertThat(EvictionThreshold.withAllocatable(thresholds)).hasSize(4)
			.last()
			.isEqualTo(new EvictionThreshold(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE, 100L * 1024 * 1024, 0));
	}

	@Test
	void allocatableMemoryMeetsItsThresholdWhenThePodsUseNearlyAllOfIt() {
		EvictionThreshold threshold = new EvictionThreshold(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE, 100, 0);
		var observed = new AllocatableMemorySignal(Map::of, 1000, () -> OptionalLong.of(950)).observe();

		assertThat(threshold.met(observed.get(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE))).isTrue();
	}

}
