package io.stevedore.controller.workload;

import java.time.Duration;

import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ControllerExpectationsTest {

	final FakeClock clock = new FakeClock();

	final ControllerExpectations expectations = new ControllerExpectations(this.clock);

	@Test
	void aKeyWithoutExpectationsIsSatisfied() {
		assertThat(this.expectations.satisfied("ns/web")).isTrue();
	}

	@Test
	void creationsAreSatisfiedOnlyOnceEveryOneWasObserved() {
		this.expectations.expectCreations("ns/web", 2);
		this.expectations.creationObserved("ns/web");
		assertThat(this.expectations.satisfied("ns/web")).isFalse();

		this.expectations.creationObserved("ns/web");

		assertThat(this.expectations.satisfied("ns/web")).isTrue();
	}

	@Test
	void deletionsAreCountedApartFromCreations() {
		this.expectations.expectDeletions("ns/web", 1);
		this.expectations.creationObserved("ns/web");
		assertThat(this.expectations.satisfied("ns/web")).isFalse();

		this.expectations.deletionObserved("ns/web");

		assertThat(this.expectations.satisfied("ns/web")).isTrue();
	}

	@Test
	void unmetExpectationsExpireAfterFiveMinutesSoALostEventCannotWedgeTheController() {
		this.expectations.expectCreations("ns/web", 3);
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(this.expectations.satisfied("ns/web")).isFalse();

		this.clock.advance(Duration.ofSeconds(1));

		assertThat(this.expectations.satisfied("ns/web")).isTrue();
	}

	@Test
	void forgettingAKeyDropsItsExpectations() {
		this.expectations.expectCreations("ns/web", 3);

		this.expectations.forget("ns/web");

		assertThat(this.expectations.satisfied("ns/web")).isTrue();
	}

}
