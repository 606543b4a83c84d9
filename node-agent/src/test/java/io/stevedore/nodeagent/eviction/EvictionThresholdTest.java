package io.stevedore.nodeagent.eviction;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** eviction-hard as the kubelet writes it, and when a threshold is met. */
class EvictionThresholdTest {

	private static final String P = "stevedore.node.eviction-hard";

	@Test
	void quantitiesAndPercentagesOfEverySignalParse() {
		List<EvictionThreshold> thresholds = EvictionThreshold.parse(P,
				"memory.available<100Mi, nodefs.available<10%,imagefs.available<15.5%,pid.available<1k,"
						+ "nodefs.inodesFree<5%,imagefs.inodesFree<1000");
		assertThat(thresholds).extracting(EvictionThreshold::toString)
			.containsExactly("memory.available<104857600", "nodefs.available<10.0%", "imagefs.available<15.5%",
					"pid.available<1000", "nodefs.inodesFree<5.0%", "imagefs.inodesFree<1000");
		assertThat(EvictionThreshold.parse(P, " ")).isEmpty();
	}

	@Test
	void aThresholdIsMetBelowItsAmountOrItsShareOfCapacity() {
		EvictionThreshold memory = EvictionThreshold.parse(P, "memory.available<100Mi").get(0);
		assertThat(memory.met(new Observation(99L << 20, 1L << 30))).isTrue();
		assertThat(memory.met(new Observation(100L << 20, 1L << 30))).isFalse();
		EvictionThreshold disk = EvictionThreshold.parse(P, "nodefs.available<10%").get(0);
		assertThat(disk.met(new Observation(9, 100))).isTrue();
		assertThat(disk.met(new Observation(10, 100))).isFalse();
	}

	@Test
	void softThresholdsTakeTheirGracePeriodsAndEachNeedsOne() {
		String soft = "stevedore.node.eviction-soft";
		String grace = "stevedore.node.eviction-soft-grace-period";
		assertThat(EvictionThreshold.parseSoft(soft, "memory.available<1.5Gi,nodefs.available<15%", grace,
				"memory.available=1m30s, nodefs.available=2m"))
			.extracting(t -> t + " soft=" + t.soft() + " " + t.gracePeriod())
			.containsExactly("memory.available<1610612736 soft=true PT1M30S", "nodefs.available<15.0% soft=true PT2M");
		assertThat(EvictionThreshold.parse(P, "memory.available<1Gi").get(0).soft()).isFalse();
		assertThat(EvictionThreshold.parseSoft(soft, "", grace, "")).isEmpty();

		assertThatThrownBy(() -> EvictionThreshold.parseSoft(soft, "memory.available<1Gi,nodefs.available<15%", grace,
				"memory.available=1m"))
			.hasMessage(grace + ": no grace period for the soft eviction threshold nodefs.available");
		assertThatThrownBy(
				() -> EvictionThreshold.parseSoft(soft, "memory.available<1Gi", grace, "memory.available=soon"))
			.hasMessage(grace + ": \"memory.available=soon\": not a duration (e.g. 1m30s)");
		assertThatThrownBy(() -> EvictionThreshold.parseSoft(soft, "memory.available<1Gi", grace, "ram=1m"))
			.hasMessage(grace + ": \"ram=1m\" is not of the form signal=duration with a supported signal");
	}

	@Test
	void minimumReclaimsAreAmountsPerSignal() {
		var amounts = EvictionThreshold.parseMinimumReclaim("m", "nodefs.available=500Mi, imagefs.available=2%");
		assertThat(amounts.get(EvictionSignal.NODEFS_AVAILABLE).limit(new Observation(0, 1L << 40)))
			.isEqualTo(500L << 20);
		assertThat(amounts.get(EvictionSignal.IMAGEFS_AVAILABLE).limit(new Observation(0, 1000))).isEqualTo(20);
		assertThatThrownBy(() -> EvictionThreshold.parseMinimumReclaim("m", "nodefs.available<500Mi"))
			.hasMessage("m: \"nodefs.available<500Mi\" is not of the form signal=quantity or signal=percent%");
		assertThatThrownBy(() -> EvictionThreshold.parseMinimumReclaim("m", "disk=1Gi"))
			.hasMessageStartingWith("m: unsupported eviction signal \"disk\"");
	}

	@Test
	void allocatableMemoryIsASignalOfItsOwnAsTheKubeletsFlagsWriteIt() {
		assertThat(EvictionThreshold.parse(P, "allocatableMemory.available<5%"))
			.containsExactly(new EvictionThreshold(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE, -1, 5));
	}

	@Test
	void badEntriesAreRefusedNamingTheSettingAndTheEntry() {
		// a kubelet signal this agent does not observe
		assertThatThrownBy(() -> EvictionThreshold.parse(P, "containerfs.available<5%"))
			.hasMessage(P + ": unsupported eviction signal \"containerfs.available\", supported: "
					+ "[memory.available, allocatableMemory.available, nodefs.available, imagefs.available, "
					+ "nodefs.inodesFree, imagefs.inodesFree, pid.available]");
		assertThatThrownBy(() -> EvictionThreshold.parse(P, "memory.available>1Gi"))
			.hasMessage(P + ": \"memory.available>1Gi\" is not of the form signal<quantity or signal<percent%");
		assertThatThrownBy(() -> EvictionThreshold.parse(P, "memory.available<lots"))
			.hasMessage(P + ": \"memory.available<lots\": \"lots\" is not a quantity");
		assertThatThrownBy(() -> EvictionThreshold.parse(P, "nodefs.available<150%"))
			.hasMessage(P + ": \"nodefs.available<150%\": a percentage is 0-100");
		assertThatThrownBy(() -> EvictionThreshold.parse(P, "nodefs.available<ten%"))
			.hasMessage(P + ": \"nodefs.available<ten%\": \"ten%\" is not a percentage");
	}

}
