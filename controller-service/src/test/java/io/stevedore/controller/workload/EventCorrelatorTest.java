package io.stevedore.controller.workload;

import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.stevedore.client.events.EventCorrelator;
import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventCorrelatorTest {

	final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

	final EventCorrelator correlator = new EventCorrelator(this.clock);

	final ReplicaSet web = replicaSet("web", "uid-web");

	@Test
	void theSameEventAgainRaisesTheCountOfTheStoredOneInsteadOfANewEvent() {
		EventCorrelator.Result first = this.correlator.correlate(event(this.web, "FailedCreate", "quota exceeded"));
		this.clock.advance(Duration.ofSeconds(30));

		EventCorrelator.Result second = this.correlator.correlate(event(this.web, "FailedCreate", "quota exceeded"));

		assertThat(first.update()).isFalse();
		assertThat(second.update()).isTrue();
		assertThat(second.event().getMetadata().getName()).isEqualTo(first.event().getMetadata().getName());
		assertThat(second.event().getCount()).isEqualTo(2);
		assertThat(second.event().getLastTimestamp()).isEqualTo("2026-01-01T00:00:30Z");
		assertThat(second.event().getFirstTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
	}

	@Test
	void anotherMessageOrAnotherObjectIsANewEvent() {
		this.correlator.correlate(event(this.web, "SuccessfulCreate", "Created pod: web-1"));

		assertThat(this.correlator.correlate(event(this.web, "SuccessfulCreate", "Created pod: web-2")).update())
			.isFalse();
		assertThat(
				this.correlator.correlate(event(replicaSet("api", "uid-api"), "SuccessfulCreate", "Created pod: web-1"))
					.update())
			.isFalse();
	}

	@Test
	void fromTheTenthDifferentMessageOfAReasonSimilarEventsAreCombinedIntoOne() {
		for (int i = 1; i < 10; i++) {
			assertThat(this.correlator.correlate(event(this.web, "SuccessfulCreate", "Created pod: web-" + i))
				.event()
				.getMessage()).isEqualTo("Created pod: web-" + i);
		}

		EventCorrelator.Result tenth = this.correlator
			.correlate(event(this.web, "SuccessfulCreate", "Created pod: web-10"));
		EventCorrelator.Result eleventh = this.correlator
			.correlate(event(this.web, "SuccessfulCreate", "Created pod: web-11"));

		assertThat(tenth.update()).isFalse();
		assertThat(tenth.event().getMessage()).isEqualTo("(combined from similar events): Created pod: web-10");
		assertThat(eleventh.update()).isTrue();
		assertThat(eleventh.event().getMetadata().getName()).isEqualTo(tenth.event().getMetadata().getName());
		assertThat(eleventh.event().getCount()).isEqualTo(2);
		assertThat(eleventh.event().getMessage()).isEqualTo("(combined from similar events): Created pod: web-11");
	}

	@Test
	void anObjectGetsTwentyFiveEventsAtOnceThenOneEveryFiveMinutes() {
		int written = 0;
		for (int i = 0; i < 40; i++) {
			if (!this.correlator.correlate(event(this.web, "FailedCreate", "error " + i)).skip()) {
				written++;
			}
		}
		assertThat(written).isEqualTo(25);
		assertThat(this.correlator.correlate(event(replicaSet("api", "uid-api"), "FailedCreate", "x")).skip())
			.isFalse();

		this.clock.advance(Duration.ofMinutes(5));

		assertThat(this.correlator.correlate(event(this.web, "FailedCreate", "later")).skip()).isFalse();
		assertThat(this.correlator.correlate(event(this.web, "FailedCreate", "later still")).skip()).isTrue();
	}

	private Event event(HasMetadata object, String reason, String message) {
		Event event = ClientEventRecorder.build(object, EventRecorder.WARNING, reason, message, "replicaset-controller",
				this.clock.instant());
		// Names are by nanosecond; two in one test instant must still differ.
		this.clock.advance(Duration.ofNanos(1));
		return event;
	}

	private static ReplicaSet replicaSet(String name, String uid) {
		return new ReplicaSetBuilder().withNewMetadata()
			.withNamespace("shop")
			.withName(name)
			.withUid(uid)
			.endMetadata()
			.build();
	}

}
