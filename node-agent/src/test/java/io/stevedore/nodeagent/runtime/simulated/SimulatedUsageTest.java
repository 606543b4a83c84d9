package io.stevedore.nodeagent.runtime.simulated;

import java.time.Instant;
import java.util.Map;

import io.stevedore.nodeagent.runtime.ContainerStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedUsageTest {

	@Test
	void annotationsAreReadAsQuantities() {
		SimulatedUsage usage = SimulatedUsage
			.of(Map.of(SimulatedUsage.CPU_ANNOTATION, "1.5", SimulatedUsage.MEMORY_ANNOTATION, "1Gi"));

		assertThat(usage).isEqualTo(new SimulatedUsage(1_500_000_000L, 1L << 30));
	}

	@Test
	void missingOrMalformedAnnotationsGiveTheSmallConstant() {
		assertThat(SimulatedUsage.of(Map.of(SimulatedUsage.MEMORY_ANNOTATION, "lots")))
			.isEqualTo(new SimulatedUsage(SimulatedUsage.DEFAULT_NANO_CORES, SimulatedUsage.DEFAULT_MEMORY_BYTES));
	}

	@Test
	void cpuTimeAccumulatesAtTheAnnotatedRateSinceTheContainerStarted() {
		Instant start = Instant.parse("2026-12-04T20:00:00Z");

		ContainerStats stats = new SimulatedUsage(250_000_000L, 64).stats(start, start.plusSeconds(8));

		assertThat(stats).isEqualTo(new ContainerStats(2_000_000_000L, 64, 64));
	}

}
