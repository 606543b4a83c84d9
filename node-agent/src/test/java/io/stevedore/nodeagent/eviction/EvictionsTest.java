package io.stevedore.nodeagent.eviction;

import java.util.Set;
import java.util.TreeSet;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import static io.stevedore.nodeagent.eviction.EvictionTestPods.pod;
import static io.stevedore.nodeagent.eviction.EvictionTestPods.requesting;
import static io.stevedore.nodeagent.eviction.EvictionTestPods.withPriority;
import static org.assertj.core.api.Assertions.assertThat;

/** The kubelet's admission under node pressure. */
class EvictionsTest {

	private final Set<String> conditions = new TreeSet<>();

	private final Evictions evictions = new Evictions(() -> this.conditions, key -> {
	});

	@Test
	void withoutPressureEveryPodIsAdmitted() {
		assertThat(this.evictions.rejection(pod("any").build())).isNull();
	}

	@Test
	void underMemoryPressureOnlyBestEffortPodsThatDoNotTolerateItAreRefused() {
		this.conditions.add("MemoryPressure");

		assertThat(this.evictions.rejection(pod("besteffort").build()))
			.isEqualTo("The node had condition: [MemoryPressure]. ");
		assertThat(this.evictions.rejection(requesting("burstable", "64Mi").build())).isNull();
		Pod tolerating = pod("tolerating").editSpec()
			.addNewToleration()
			.withKey("node.kubernetes.io/memory-pressure")
			.withOperator("Exists")
			.withEffect("NoSchedule")
			.endToleration()
			.endSpec()
			.build();
		assertThat(this.evictions.rejection(tolerating)).isNull();
		Pod otherTaint = pod("other").editSpec()
			.addNewToleration()
			.withKey("node.kubernetes.io/disk-pressure")
			.withOperator("Exists")
			.endToleration()
			.endSpec()
			.build();
		assertThat(this.evictions.rejection(otherTaint)).isNotNull();
	}

	@Test
	void underDiskOrPidPressureEveryPodButACriticalOneIsRefused() {
		this.conditions.add("MemoryPressure");
		this.conditions.add("DiskPressure");

		assertThat(this.evictions.rejection(requesting("burstable", "64Mi").build()))
			.isEqualTo("The node had condition: [DiskPressure MemoryPressure]. ");
		assertThat(this.evictions.rejection(withPriority(pod("critical"), 2_000_000_000))).isNull();
	}

}
