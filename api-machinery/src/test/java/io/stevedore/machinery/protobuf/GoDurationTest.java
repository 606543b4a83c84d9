package io.stevedore.machinery.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {

	@ParameterizedTest(name = "{0}ns is {1}")
	@CsvSource({ "0, 0s", "1, 1ns", "999, 999ns", "1000, 1µs", "1500, 1.5µs", "1500000, 1.5ms", "1000001, 1.000001ms",
			"1000000000, 1s", "90000000000, 1m30s", "3600000000000, 1h0m0s", "3723500000000, 1h2m3.5s",
			"-2000000000, -2s", "-1500, -1.5µs", "-9223372036854775808, -2562047h47m16.854775808s",
			"9223372036854775807, 2562047h47m16.854775807s" })
	void formatsAsGoDurationString(long nanos, String expected) {
		assertThat(GoDuration.format(nanos)).isEqualTo(expected);
	}

}
