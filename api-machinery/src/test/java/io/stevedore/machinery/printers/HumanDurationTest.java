package io.stevedore.machinery.printers;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HumanDurationTest {

	@ParameterizedTest(name = "{0} seconds print as {1}")
	@CsvSource(textBlock = """
			-5,      <invalid>
			-1,      0s
			0,       0s
			5,       5s
			119,     119s
			120,     2m
			182,     3m2s
			599,     9m59s
			600,     10m
			10799,   179m
			10800,   3h
			11100,   3h5m
			28800,   8h
			172799,  47h
			172800,  2d
			183600,  2d3h
			691200,  8d
			63071999, 729d
			63072000, 2y
			65664000, 2y30d
			252288000, 8y
			""")
	void formatsLikeKubernetesHumanDuration(long seconds, String expected) {
		assertThat(HumanDuration.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
	}

}
