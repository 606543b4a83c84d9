package io.stevedore.nodeagent.runtime.simulated;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodCidrBlocksTest {

	@Test
	void eachNodeGetsItsOwnSlash24OfTheSharedAddressSpace() {
		PodCidrBlocks blocks = PodCidrBlocks.carve(PodCidrBlocks.DEFAULT_RANGE, 1000, 110);

		assertThat(blocks.block(0)).isEqualTo("100.64.0.0/24");
		assertThat(blocks.block(1)).isEqualTo("100.64.1.0/24");
		assertThat(blocks.block(999)).isEqualTo("100.67.231.0/24");
	}

	@Test
	void moreThan254PodsANodeTakeLargerBlocks() {
		PodCidrBlocks blocks = PodCidrBlocks.carve("10.0.0.0/16", 3, 500);

		assertThat(blocks.block(0)).isEqualTo("10.0.0.0/23");
		assertThat(blocks.block(2)).isEqualTo("10.0.4.0/23");
	}

	@Test
	void blocksFromAGivenRangeStayInsideIt() {
		PodCidrBlocks blocks = PodCidrBlocks.carve("10.20.0.0/22", 4, 110);

		assertThat(blocks.block(3)).isEqualTo("10.20.3.0/24");
		assertThatThrownBy(() -> PodCidrBlocks.carve("10.20.0.0/22", 5, 110))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("stevedore.node.simulated.pod-cidr: 10.20.0.0/22 holds 4 blocks of /24 (110 pods each), "
					+ "5 nodes need one each");
	}

	@Test
	void theBlocksOfTwoNodesNeverShareAnAddress() {
		PodCidrBlocks blocks = PodCidrBlocks.carve(PodCidrBlocks.DEFAULT_RANGE, 2, 110);
		PodAddresses first = PodAddresses.parse(blocks.block(0));
		PodAddresses second = PodAddresses.parse(blocks.block(1));

		java.util.Set<String> seen = new java.util.HashSet<>();
		for (int i = 0; i < 254; i++) {
			assertThat(seen.add(first.allocate())).isTrue();
			assertThat(seen.add(second.allocate())).isTrue();
		}
	}

}
