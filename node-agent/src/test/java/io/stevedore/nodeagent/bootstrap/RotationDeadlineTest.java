package io.stevedore.nodeagent.bootstrap;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RotationDeadlineTest {

	static final Instant NOT_BEFORE = Instant.parse("2026-12-05T00:00:00Z");

	static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofHours(100));

	@Test
	void theDeadlineIsBetween70And90PercentOfTheLifetime() {
		assertThat(RotationDeadline.of(NOT_BEFORE, NOT_AFTER, () -> 0.0)).isEqualTo(NOT_BEFORE.plusSeconds(70 * 3600));
		assertThat(RotationDeadline.of(NOT_BEFORE, NOT_AFTER, () -> 0.5)).isEqualTo(NOT_BEFORE.plusSeconds(80 * 3600));
		assertThat(RotationDeadline.of(NOT_BEFORE, NOT_AFTER, () -> 0.999999))
			.isBefore(NOT_BEFORE.plusSeconds(90 * 3600))
			.isAfter(NOT_BEFORE.plusSeconds(90 * 3600 - 1));
	}

	@Test
	void nodesRenewingTogetherAreSpreadOut() {
		var deadlines = new java.util.HashSet<Instant>();
		for (int i = 0; i < 100; i++) {
			Instant d = RotationDeadline.of(NOT_BEFORE, NOT_AFTER, ThreadLocalRandom.current()::nextDouble);
			assertThat(d).isBetween(NOT_BEFORE.plusSeconds(70 * 3600), NOT_BEFORE.plusSeconds(90 * 3600));
			deadlines.add(d);
		}
		assertThat(deadlines).hasSizeGreaterThan(90);
	}

	@Test
	void aRandomOutsideTheUnitIntervalIsRefused() {
		assertThatThrownBy(() -> RotationDeadline.of(NOT_BEFORE, NOT_AFTER, () -> 1.0))
			.hasMessage("random must be in [0, 1), got 1.0");
	}

}
