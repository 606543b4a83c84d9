package io.stevedore.nodeagent.hollow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhaseSpreadTest {

	@Test
	void aThousandNodesRenewAtEvenlySpacedInstantsOfThePeriod() {
		Duration period = Duration.ofSeconds(2);
		List<Duration> offsets = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			offsets.add(PhaseSpread.offset(i, 1000, period, 0));
		}

		assertThat(offsets.get(0)).isZero();
		assertThat(offsets.get(1)).isEqualTo(Duration.ofMillis(2));
		assertThat(offsets.get(999)).isEqualTo(Duration.ofMillis(1998));
		assertThat(offsets).doesNotHaveDuplicates().isSorted().allSatisfy(d -> assertThat(d).isLessThan(period));
	}

	@Test
	void aShiftMovesAKindOfTaskWithinEachNodesSlot() {
		Duration period = Duration.ofSeconds(10);

		assertThat(PhaseSpread.offset(0, 4, period, 0.5)).isEqualTo(Duration.ofMillis(1250));
		assertThat(PhaseSpread.offset(3, 4, period, 0.5)).isEqualTo(Duration.ofMillis(8750));
		assertThat(PhaseSpread.offset(0, 1, period, 0)).isZero();
	}

	@Test
	void anIndexOutsideTheNodesIsRefused() {
		assertThatThrownBy(() -> PhaseSpread.offset(4, 4, Duration.ofSeconds(1), 0))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> PhaseSpread.offset(0, 0, Duration.ofSeconds(1), 0))
			.isInstanceOf(IllegalArgumentException.class);
	}

}
