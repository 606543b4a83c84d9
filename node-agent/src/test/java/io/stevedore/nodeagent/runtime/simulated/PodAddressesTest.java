package io.stevedore.nodeagent.runtime.simulated;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class PodAddressesTest {

	@Test
	void addressesSkipTheNetworkAndBroadcastAddressesAndAreNeverGivenTwice() {
		PodAddresses addresses = PodAddresses.parse("10.1.2.0/30");

		assertThat(addresses.allocate()).isEqualTo("10.1.2.1");
		assertThat(addresses.allocate()).isEqualTo("10.1.2.2");
		assertThatIllegalStateException().isThrownBy(addresses::allocate).withMessageContaining("10.1.2.0/30");
	}

	@Test
	void aReleasedAddressIsGivenAgain() {
		PodAddresses addresses = PodAddresses.parse("10.1.2.0/30");
		addresses.allocate();
		String second = addresses.allocate();

		addresses.release(second);

		assertThat(addresses.allocate()).isEqualTo(second);
	}

	@Test
	void hostBitsOfTheBlockAreIgnoredAsIpRouteDoes() {
		assertThat(PodAddresses.parse("10.1.2.77/24").allocate()).isEqualTo("10.1.2.1");
	}

	@Test
	void aNodeWithoutABlockGetsOneOfTheSharedAddressSpaceByItsName() {
		String first = PodAddresses.forNode("sim-1").allocate();
		Set<String> blocks = new HashSet<>();
		for (int i = 0; i < 5; i++) {
			blocks.add(PodAddresses.forNode("sim-1").allocate());
		}

		assertThat(first).matches("100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.0\\.1");
		assertThat(blocks).containsExactly(first);
	}

	@Test
	void malformedBlocksAreRefusedNamingTheProperty() {
		for (String bad : new String[] { "10.1.2.0", "10.1.2/24", "10.1.2.300/24", "a.b.c.d/24", "10.0.0.0/31",
				"10.0.0.0/4", "10.0.0.0/x" }) {
			assertThatIllegalArgumentException().as(bad)
				.isThrownBy(() -> PodAddresses.parse(bad))
				.withMessageContaining("stevedore.node.simulated.pod-cidr");
		}
	}

}
