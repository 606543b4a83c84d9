package io.stevedore.proxy.service.config;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProxyPropertiesTest {

	private static ProxyProperties withMode(String mode) {
		return new ProxyProperties(true, null, List.of(), mode, "10.96.0.0/12", "X", 14, Duration.ZERO, Duration.ZERO,
				true, true, Duration.ZERO, Duration.ZERO);
	}

	@Test
	void theThreeModesAreAccepted() {
		assertThat(withMode("iptables").checkedMode()).isEqualTo("iptables");
		assertThat(withMode("nftables").checkedMode()).isEqualTo("nftables");
		assertThat(withMode("userspace").checkedMode()).isEqualTo("userspace");
	}

	@Test
	void anUnknownModeFailsNamingTheSettingAndTheChoices() {
		assertThatIllegalArgumentException().isThrownBy(() -> withMode("nft").checkedMode())
			.withMessage("stevedore.proxy.mode must be iptables, nftables or userspace, got \"nft\"");
	}

}
