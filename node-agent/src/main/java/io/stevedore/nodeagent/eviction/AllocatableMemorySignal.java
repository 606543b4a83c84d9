package io.stevedore.nodeagent.eviction;

import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * allocatableMemory.available on top of the host's signals: node allocatable memory less
 * the working set of the cgroup every pod runs under, as the kubelet observes it from its
 * pods cgroup. Left out when the working set cannot be read, so its threshold is not met.
 */
public final class AllocatableMemorySignal implements NodeSignals {

	private final NodeSignals host;

	private final long allocatableBytes;

	private final Supplier<OptionalLong> podsWorkingSet;

	/**
	 * @param allocatableBytes the memory limit of the pods' cgroup (capacity less the
	 * reservations)
	 * @param podsWorkingSet that cgroup's usage less its inactive file pages
	 */
	public AllocatableMemorySignal(NodeSignals host, long allocatableBytes, Supplier<OptionalLong> podsWorkingSet) {
		this.host = host;
		this.allocatableBytes = allocatableBytes;
		this.podsWorkingSet = podsWorkingSet;
	}

	@Override
	public Map<EvictionSignal, Observation> observe() {
		Map<EvictionSignal, Observation> observed = new EnumMap<>(EvictionSignal.class);
		observed.putAll(this.host.observe());
		OptionalLong workingSet = this.podsWorkingSet.get();
		if (workingSet.isPresent() && this.allocatableBytes > 0) {
			observed.put(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE, new Observation(
					Math.max(0, this.allocatableBytes - workingSet.getAsLong()), this.allocatableBytes));
		}
		return observed;
	}

}
