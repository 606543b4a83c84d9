package io.stevedore.nodeagent.gc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.stevedore.client.clock.FakeClock;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kubelet's image GC rules on a fake engine and a disk whose fullness a test sets.
 */
class ImageGarbageCollectorTest {

	private static final long GIB = 1L << 30;

	private final FakeClock clock = new FakeClock();

	private final FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);

	private final List<String> events = new ArrayList<>();

	/** A 100 GiB disk with this much available. */
	private long available = 50 * GIB;

	private ImageGarbageCollector collector(ImageGcPolicy policy) {
		return new ImageGarbageCollector(this.runtime, policy, () -> new DiskUsage.Usage(100 * GIB, this.available),
				image -> image.names().contains("stevedore/pause:1"),
				(type, reason, message) -> this.events.add(type + " " + reason + " " + message), this.clock);
	}

	@Test
	void belowTheHighThresholdNothingGoes() {
		this.runtime.images.addAll(List.of("a:1", "b:1"));
		ImageGarbageCollector gc = collector(ImageGcPolicy.defaults());
		gc.collect();
		this.clock.advance(Duration.ofHours(1));
		this.available = 16 * GIB; // 84 % used

		assertThat(gc.collect().removed()).isEmpty();
		assertThat(this.runtime.removedImages).isEmpty();
	}

	@Test
	void pastTheHighThresholdTheLeastRecentlyUsedUnusedImagesGoUntilTheLowThreshold() {
		this.runtime.images.addAll(List.of("old:1", "recent:1", "used:1", "stevedore/pause:1"));
		this.runtime.imageSizes.putAll(java.util.Map.of("old:1", 3 * GIB, "recent:1", 3 * GIB, "used:1", 9 * GIB,
				"stevedore/pause:1", 9 * GIB));
		this.runtime.imagesUsed.addAll(Set.of("old:1", "recent:1", "used:1"));
		ImageGarbageCollector gc = collector(ImageGcPolicy.defaults());
		gc.collect();
		this.clock.advance(Duration.ofMinutes(5));
		this.runtime.imagesUsed.remove("old:1");
		gc.collect();
		this.clock.advance(Duration.ofMinutes(5));
		this.runtime.imagesUsed.remove("recent:1");
		// 86 % used: 6 GiB must go to be at 80 %.
		this.available = 14 * GIB;

		ImageGarbageCollector.Outcome outcome = gc.collect();

		assertThat(this.runtime.removedImages).containsExactly("old:1", "recent:1");
		assertThat(outcome.freedBytes()).isEqualTo(6 * GIB);
		assertThat(this.runtime.images).containsExactlyInAnyOrder("used:1", "stevedore/pause:1");
		assertThat(this.events).isEmpty();
	}

	@Test
	void onlyWhatIsNeededGoesOldestFirst() {
		this.runtime.images.addAll(List.of("first:1", "second:1"));
		this.runtime.imageSizes.putAll(java.util.Map.of("first:1", 4 * GIB, "second:1", 4 * GIB, "third:1", 4 * GIB));
		ImageGarbageCollector gc = collector(ImageGcPolicy.defaults());
		gc.collect();
		this.clock.advance(Duration.ofMinutes(1));
		this.runtime.images.add("third:1");
		gc.collect();
		this.clock.advance(Duration.ofMinutes(5));
		this.available = 15 * GIB; // 85 %: 5 GiB to free

		gc.collect();

		assertThat(this.runtime.removedImages).containsExactlyInAnyOrder("first:1", "second:1");
		assertThat(this.runtime.images).containsExactly("third:1");
	}

	@Test
	void imagesSeenForLessThanTheMinimumAgeStayAndTheShortfallIsAnEvent() {
		this.runtime.images.add("new:1");
		this.runtime.imageSizes.put("new:1", GIB);
		this.available = 10 * GIB; // 90 %
		ImageGarbageCollector gc = collector(ImageGcPolicy.defaults());

		gc.collect();

		assertThat(this.runtime.removedImages).isEmpty();
		assertThat(this.events).containsExactly("Warning FreeDiskSpaceFailed Failed to garbage collect required "
				+ "amount of images. Attempted to free " + (10 * GIB)
				+ " bytes, but only found 0 bytes eligible to free.");
		this.clock.advance(Duration.ofMinutes(2));
		gc.collect();
		assertThat(this.runtime.removedImages).containsExactly("new:1");
	}

	@Test
	void aShortfallInTwoRunsInARowIsImageGcFailedOnTheSecond() {
		this.runtime.images.add("new:1");
		this.available = 10 * GIB; // 90 %, and nothing old enough to go
		ImageGarbageCollector gc = collector(ImageGcPolicy.defaults());
		String shortfall = "Failed to garbage collect required amount of images. Attempted to free " + (10 * GIB)
				+ " bytes, but only found 0 bytes eligible to free.";

		gc.run();
		assertThat(this.events).as("one failure may be the engine starting up")
			.containsExactly("Warning FreeDiskSpaceFailed " + shortfall);
		gc.run();
		assertThat(this.events).containsExactly("Warning FreeDiskSpaceFailed " + shortfall,
				"Warning FreeDiskSpaceFailed " + shortfall, "Warning ImageGCFailed " + shortfall);

		this.events.clear();
		this.available = 50 * GIB;
		gc.run();
		this.available = 10 * GIB;
		gc.run();
		assertThat(this.events).as("a run that succeeded ends the series")
			.containsExactly("Warning FreeDiskSpaceFailed " + shortfall);
	}

	@Test
	void anImageUnusedLongerThanTheMaximumAgeGoesWhateverTheDisk() {
		this.runtime.images.addAll(List.of("stale:1", "busy:1", "stevedore/pause:1"));
		this.runtime.imagesUsed.add("busy:1");
		ImageGarbageCollector gc = collector(
				new ImageGcPolicy(85, 80, Duration.ofMinutes(2), Duration.ofHours(1), Duration.ofMinutes(5)));
		gc.collect();
		this.clock.advance(Duration.ofMinutes(59));
		gc.collect();
		assertThat(this.runtime.removedImages).isEmpty();

		this.clock.advance(Duration.ofMinutes(2));
		gc.collect();

		assertThat(this.runtime.removedImages).containsExactly("stale:1");
	}

	@Test
	void aReclaimUnderPressureRemovesEveryUnusedImageThatMayGoWhateverTheThresholds() {
		this.runtime.images.addAll(List.of("old:1", "used:1", "stevedore/pause:1"));
		this.runtime.imagesUsed.add("used:1");
		ImageGarbageCollector gc = collector(ImageGcPolicy.defaults());
		gc.collect();
		this.clock.advance(Duration.ofMinutes(3));
		this.runtime.images.add("new:1");

		gc.reclaimAll();

		assertThat(this.runtime.removedImages).containsExactly("old:1");
		assertThat(this.runtime.images).containsExactlyInAnyOrder("used:1", "new:1", "stevedore/pause:1");
		assertThat(this.events).isEmpty();
	}

	@Test
	void thresholdsAreCheckedAsTheKubeletsFlagsAre() {
		assertThatThrownBy(() -> new ImageGcPolicy(80, 85, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(5)))
			.hasMessage("stevedore.node.image-gc.low-threshold-percent (85) must be below "
					+ "stevedore.node.image-gc.high-threshold-percent (80)");
		assertThatThrownBy(() -> new ImageGcPolicy(101, 80, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(5)))
			.hasMessage("stevedore.node.image-gc.high-threshold-percent must be 0-100, got 101");
		assertThatThrownBy(
				() -> new ImageGcPolicy(85, 80, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMinutes(5)))
			.hasMessageContaining("maximum-age (PT1M) must be longer than");
	}

}
