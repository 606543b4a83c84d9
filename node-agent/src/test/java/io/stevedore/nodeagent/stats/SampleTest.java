package io.stevedore.nodeagent.stats;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SampleTest {

	static final Instant T0 = Instant.parse("2026-12-04T20:00:00Z");

	@Test
	void theRateIsTheCpuTimeUsedOverTheTimeBetweenTwoSamples() {
		Sample first = new Sample(T0, 1_000_000_000L, 0, 0);
		Sample second = new Sample(T0.plusSeconds(10), 3_500_000_000L, 0, 0);

		// 2.5 s of CPU in 10 s is a quarter of a core
		assertThat(second.nanoCoresSince(first)).isEqualTo(250_000_000L);
	}

	@Test
	void thereIsNoRateFromOneSample() {
		assertThat(Series.first(new Sample(T0, 5, 0, 0)).nanoCores()).isNull();
	}

	@Test
	void aCounterThatWentBackGivesNoRateInsteadOfANegativeOne() {
		Sample first = new Sample(T0, 9_000_000_000L, 0, 0);
		Sample restarted = new Sample(T0.plusSeconds(10), 1_000_000L, 0, 0);

		assertThat(restarted.nanoCoresSince(first)).isNull();
	}

	@Test
	void aSeriesKeepsOnlyTheLastTwoSamples() {
		Series series = Series.first(new Sample(T0, 0, 0, 0))
			.next(new Sample(T0.plusSeconds(10), 10_000_000_000L, 0, 0))
			.next(new Sample(T0.plusSeconds(20), 15_000_000_000L, 0, 0));

		assertThat(series.previous().time()).isEqualTo(T0.plusSeconds(10));
		assertThat(series.nanoCores()).isEqualTo(500_000_000L);
	}

}
