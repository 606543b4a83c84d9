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
				"memory.available<100Mi, nodefs.available<10%,imagefs.available<15.5%,pid.available<1k");
		assertThat(thresholds).extracting(EvictionThreshold::toString)
			.containsExactly("memory.available<104857600", "nodefs.available<10.0%", "imagefs.available<15.5%",
					"pid.available<1000");
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
	void badEntriesAreRefusedNamingTheSettingAndTheEntry() {
		assertThatThrownBy(() -> EvictionThreshold.parse(P, "nodefs.inodesFree<5%"))
			.hasMessage(P + ": unsupported eviction signal \"nodefs.inodesFree\", supported: "
					+ "[memory.available, nodefs.available, imagefs.available, pid.available]");
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
