package io.stevedore.apiserver.allocation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceCidrTest {

	private final ServiceCidr cidr = new ServiceCidr("10.96.0.0/12");

	@Test
	void mapsAddressesToOffsetsAndBack() {
		assertThat(this.cidr.size()).isEqualTo(1L << 20);
		assertThat(this.cidr.offsetOf("10.96.0.10")).isEqualTo(10);
		assertThat(this.cidr.addressAt(10)).isEqualTo("10.96.0.10");
		assertThat(this.cidr.addressAt(this.cidr.offsetOf("10.111.255.254"))).isEqualTo("10.111.255.254");
	}

	@Test
	void addressesOutsideTheBlockOrNotIpv4HaveNoOffset() {
		assertThat(this.cidr.offsetOf("10.112.0.1")).isEqualTo(-1);
		assertThat(this.cidr.offsetOf("None")).isEqualTo(-1);
		assertThat(this.cidr.offsetOf("example.com")).isEqualTo(-1);
		assertThat(this.cidr.offsetOf("::1")).isEqualTo(-1);
	}

	@Test
	void rejectsMalformedBlocks() {
		assertThatThrownBy(() -> new ServiceCidr("10.96.0.0")).hasMessageContaining("10.96.0.0/12");
		assertThatThrownBy(() -> new ServiceCidr("10.96.0.0/31")).hasMessageContaining("/30");
	}

}
