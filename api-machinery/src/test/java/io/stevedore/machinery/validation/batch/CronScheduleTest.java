package io.stevedore.machinery.validation.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronScheduleTest {

	private static final ZonedDateTime MONDAY_10_07 = ZonedDateTime.of(2024, 1, 1, 10, 7, 30, 0, ZoneOffset.UTC);

	@ParameterizedTest(name = "\"{0}\" parses")
	@ValueSource(strings = { "* * * * *", "*/5 * * * *", "0 0 1 1 *", "0 9-17 * * mon-fri", "15,45 * ? JAN,jul SUN",
			"@hourly", "@daily", "@yearly", "@every 1h30m", "0 0 * * 0" })
	void acceptsStandardSchedules(String spec) {
		CronSchedule.parse(spec);
	}

	@ParameterizedTest(name = "\"{0}\" is rejected: {1}")
	@CsvSource(delimiter = '|',
			value = { "''|empty spec string", "* * * *|expected exactly 5 fields, found 4: [* * * *]",
					"* 24 * * *|end of range (24) above maximum (23): 24",
					"* * 0 * *|beginning of range (0) below minimum (1): 0",
					"5-1 * * * *|beginning of range (5) beyond end of range (1): 5-1",
					"*/0 * * * *|step of range should be a positive number: */0",
					"1-2-3 * * * *|too many hyphens: 1-2-3", "*/2/3 * * * *|too many slashes: */2/3",
					"@often|unrecognized descriptor: @often" })
	void rejectsWithRobfigCronMessages(String spec, String message) {
		assertThatThrownBy(() -> CronSchedule.parse(spec)).isInstanceOf(IllegalArgumentException.class)
			.hasMessage(message);
	}

	@Test
	void nextFindsTheFollowingMatchingMinute() {
		assertThat(CronSchedule.parse("*/5 * * * *").next(MONDAY_10_07))
			.isEqualTo(MONDAY_10_07.withMinute(10).withSecond(0));
		assertThat(CronSchedule.parse("0 9 * * *").next(MONDAY_10_07))
			.isEqualTo(ZonedDateTime.of(2024, 1, 2, 9, 0, 0, 0, ZoneOffset.UTC));
		assertThat(CronSchedule.parse("0 0 * * sun").next(MONDAY_10_07))
			.isEqualTo(ZonedDateTime.of(2024, 1, 7, 0, 0, 0, 0, ZoneOffset.UTC));
	}

	@Test
	void dayOfMonthAndDayOfWeekAreOredWhenBothAreRestricted() {
		// The 15th or any Sunday, whichever comes first: Sunday the 7th.
		assertThat(CronSchedule.parse("0 0 15 * sun").next(MONDAY_10_07))
			.isEqualTo(ZonedDateTime.of(2024, 1, 7, 0, 0, 0, 0, ZoneOffset.UTC));
	}

	@Test
	void everyAddsThePeriod() {
		assertThat(CronSchedule.parse("@every 90s").next(MONDAY_10_07)).isEqualTo(MONDAY_10_07.plusSeconds(90));
	}

	@Test
	void impossibleDatesHaveNoNextActivation() {
		assertThat(CronSchedule.parse("0 0 30 2 *").next(MONDAY_10_07)).isNull();
	}

}
