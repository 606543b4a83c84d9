package io.stevedore.nodeagent.pod;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackOffTest {

	private final FakeClock clock = new FakeClock();

	private final BackOff backOff = new BackOff(Duration.ofSeconds(10), Duration.ofMinutes(5), this.clock);

	@Test
	void theDelayStartsAtTenSecondsAndDoublesUpToFiveMinutes() {
		List<Long> seconds = new java.util.ArrayList<>();
		for (int i = 0; i < 8; i++) {
			seconds.add(this.backOff.next("c").toSeconds());
		}
		assertThat(seconds).containsExactly(10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
	}

	@Test
	void aKeyIsInBackOffOnlyUntilItsDelayHasPassedSinceTheEvent() {
		this.backOff.next("c");
		Instant exited = this.clock.instant();
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.backOff.isInBackOffSince("c", exited)).isTrue();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.backOff.isInBackOffSince("c", exited)).isFalse();
	}

	@Test
	void theRetryTimeIsTheLastRetryPlusItsDelayWhileItWaits() {
		assertThat(this.backOff.retryAt("c")).isNull();
		Instant failed = this.clock.instant();
		this.backOff.next("c");
		this.clock.advance(Duration.ofSeconds(3));
		assertThat(this.backOff.retryAt("c")).isEqualTo(failed.plusSeconds(10));
		this.clock.advance(Duration.ofSeconds(7));
		assertThat(this.backOff.retryAt("c")).as("no longer waiting").isNull();
	}

	@Test
	void aKeyWithoutFailuresIsNeverInBackOff() {
		assertThat(this.backOff.isInBackOffSince("new", this.clock.instant())).isFalse();
	}

	@Test
	void aKeyQuietForTwiceTheMaximumStartsOverFromTheInitialDelay() {
		this.backOff.next("c");
		this.backOff.next("c");
		this.clock.advance(Duration.ofMinutes(11));
		assertThat(this.backOff.next("c")).isEqualTo(Duration.ofSeconds(10));
	}

}
