package io.stevedore.nodeagent.eviction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import static io.stevedore.nodeagent.eviction.EvictionTestPods.pod;
import static io.stevedore.nodeagent.eviction.EvictionTestPods.requesting;
import static io.stevedore.nodeagent.eviction.EvictionTestPods.withPriority;
import static org.assertj.core.api.Assertions.assertThat;

/** Which pod is chosen, and the message it is evicted with. */
class PodEvictorTest {

	private static final EvictionThreshold MEMORY = EvictionThreshold.parse("p", "memory.available<100Mi").get(0);

	private final List<Pod> pods = new ArrayList<>();

	/** Bytes in use per pod name (one container each, named after the pod). */
	private final Map<String, Long> used = new HashMap<>();

	private final List<String> synced = new ArrayList<>();

	private final Evictions evictions = new Evictions(Set::of, this.synced::add);

	private final PodEvictor evictor = new PodEvictor(() -> this.pods,
			(pod, signal) -> this.used.containsKey(pod.getMetadata().getName())
					? Map.of(pod.getMetadata().getName(), this.used.get(pod.getMetadata().getName())) : Map.of(),
			this.evictions, Duration.ofSeconds(20));

	@Test
	void theHogAboveItsRequestIsEvictedWithTheKubeletsMessage() {
		add(requesting("modest", "64Mi").build(), 32L << 20);
		add(requesting("hog", "64Mi").build(), 300L << 20);

		String evicted = this.evictor.evictOne(MEMORY, new Observation(50L << 20, 24L << 30));

		assertThat(evicted).isEqualTo("default/hog");
		assertThat(this.synced).containsExactly("default/hog");
		assertThat(this.evictions.evicted(this.pods.get(1)).message())
			.isEqualTo("The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. "
					+ "Container hog was using 300Mi, request is 64Mi, has larger consumption of memory. ");
		assertThat(this.evictions.evicted(this.pods.get(0))).isNull();
		assertThat(this.evictions.evicted(this.pods.get(1)).gracePeriod()).as("hard: the kubelet's 1 s")
			.isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void oneAtATimeTheNextOnlyOnceTheFirstHasStopped() {
		add(pod("first").build(), 900L << 20);
		add(pod("second").build(), 100L << 20);
		Observation low = new Observation(50L << 20, 24L << 30);

		assertThat(this.evictor.evictOne(MEMORY, low)).isEqualTo("default/first");
		assertThat(this.evictor.evictOne(MEMORY, low)).as("the first is still stopping").isNull();
		stopped(this.pods.get(0));
		assertThat(this.evictor.evictOne(MEMORY, low)).isEqualTo("default/second");
		stopped(this.pods.get(1));
		assertThat(this.evictor.evictOne(MEMORY, low)).as("both Failed: none left").isNull();
		assertThat(this.synced).containsExactly("default/first", "default/second");
	}

	@Test
	void criticalFinishedAndDeletedPodsAreNeverChosen() {
		add(withPriority(pod("critical"), 2_000_001_000), 900L << 20);
		add(pod("mirror").editMetadata().addToAnnotations("kubernetes.io/config.mirror", "x").endMetadata().build(),
				900L << 20);
		add(pod("done").editStatus().withPhase("Succeeded").endStatus().build(), 900L << 20);
		add(pod("leaving").editMetadata().withDeletionTimestamp("2026-12-06T20:00:00Z").endMetadata().build(),
				900L << 20);

		assertThat(this.evictor.evictOne(MEMORY, new Observation(1, 24L << 30))).isNull();
		assertThat(this.synced).isEmpty();
	}

	@Test
	void aPercentThresholdIsPrintedAsTheQuantityItCameTo() {
		EvictionThreshold disk = EvictionThreshold.parse("p", "nodefs.available<10%").get(0);
		add(pod("writer").build(), 1_000_000);

		this.evictor.evictOne(disk, new Observation(3L << 30, 40L << 30));

		assertThat(this.evictions.evicted(this.pods.get(0)).message())
			.isEqualTo("The node was low on resource: ephemeral-storage. Threshold quantity: 4Gi, available: 3Gi. "
					+ "Container writer was using 1000000, request is 0, has larger consumption of ephemeral-storage. ");
	}

	@Test
	void forInodesTheFilesAreCountedAndNoContainerIsNamed() {
		EvictionThreshold inodes = EvictionThreshold.parse("p", "nodefs.inodesFree<5%").get(0);
		add(pod("few").build(), 10);
		add(pod("many").build(), 200_000);

		assertThat(this.evictor.evictOne(inodes, new Observation(40_000, 1_048_576))).isEqualTo("default/many");
		assertThat(this.evictions.evicted(this.pods.get(1)).message())
			.isEqualTo("The node was low on resource: inodes. Threshold quantity: 52428, available: 40000. ");
	}

	@Test
	void forASoftThresholdThePodsOwnGracePeriodAtMostTheMaximum() {
		EvictionThreshold soft = EvictionThreshold.parseSoft("s", "memory.available<1Gi", "g", "memory.available=1m30s")
			.get(0);
		add(pod("patient").editSpec().withTerminationGracePeriodSeconds(60L).endSpec().build(), 900L << 20);
		add(pod("quick").editSpec().withTerminationGracePeriodSeconds(5L).endSpec().build(), 800L << 20);
		Observation low = new Observation(512L << 20, 24L << 30);

		this.evictor.evictOne(soft, low);
		assertThat(this.evictions.evicted(this.pods.get(0)).gracePeriod()).isEqualTo(Duration.ofSeconds(20));
		stopped(this.pods.get(0));
		this.evictor.evictOne(soft, low);
		assertThat(this.evictions.evicted(this.pods.get(1)).gracePeriod()).isEqualTo(Duration.ofSeconds(5));
	}

	/** What the pod sync does with an evicted pod: Failed, and done. */
	private void stopped(Pod pod) {
		pod.getStatus().setPhase("Failed");
		this.evictions.done(pod);
	}

	private void add(Pod pod, long bytes) {
		this.pods.add(pod);
		this.used.put(pod.getMetadata().getName(), bytes);
	}

}
