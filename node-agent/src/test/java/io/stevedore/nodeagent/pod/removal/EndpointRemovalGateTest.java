package io.stevedore.nodeagent.pod.removal;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.client.clock.FakeClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The removal protocol's ordering and bounds on a fake clock: each sleep of the gate
 * advances the clock and lets the test change the world at given times.
 */
class EndpointRemovalGateTest {

	private final FakeClock clock = new FakeClock();

	private final FakeRoutingState routing = new FakeRoutingState();

	/** Things that happen once the clock has passed a time (ms since the start). */
	private final List<Step> steps = new ArrayList<>();

	private final long start = this.clock.instant().toEpochMilli();

	private final EndpointRemovalGate gate = new EndpointRemovalGate(this.routing, this.clock, d -> {
		this.clock.advance(d);
		long now = this.clock.instant().toEpochMilli() - this.start;
		for (Step step : new ArrayList<>(this.steps)) {
			if (now >= step.atMillis) {
				step.action.run();
				this.steps.remove(step);
			}
		}
	}, Duration.ofSeconds(10));

	private record Step(long atMillis, Runnable action) {
	}

	@Test
	void aPodNoSliceEverShowedServingDoesNotWait() {
		this.routing.proxy("n1", now(), 10, 1L);
		var outcome = this.gate.awaitUnrouted(pod(), Duration.ofSeconds(30));
		assertThat(outcome.waited()).isZero();
		assertThat(outcome.timedOut()).isFalse();
	}

	@Test
	void waitsForTheSliceToShowThePodUnreadyThenForEveryLiveProxyToApplyThatRevision() {
		this.routing.slice("web-1", 40, "uid-1", "10.88.0.5", true);
		this.routing.proxy("n1", now(), 10, 40L);
		this.routing.proxy("n2", now(), 10, 40L);
		at(1000, () -> this.routing.slice("web-1", 57, "uid-1", "10.88.0.5", false));
		at(1500, () -> this.routing.proxy("n1", now(), 10, 57L));
		at(2500, () -> this.routing.proxy("n2", now(), 10, 60L));
		var outcome = this.gate.awaitUnrouted(pod(), Duration.ofSeconds(30));
		assertThat(outcome.timedOut()).isFalse();
		assertThat(outcome.waited()).isEqualTo(Duration.ofMillis(2500));
	}

	@Test
	void aProxyWhoseLeaseExpiredIsNotWaitedFor() {
		this.routing.slice("web-1", 57, "uid-1", "10.88.0.5", false);
		this.routing.proxy("alive", now(), 10, 57L);
		this.routing.proxy("dead", now().minusSeconds(11), 10, 3L);
		this.routing.proxy("no-annotation-but-dead", now().minusSeconds(60), 10, null);
		var outcome = this.gate.awaitUnrouted(pod(), Duration.ofSeconds(30));
		assertThat(outcome.waited()).isZero();
		assertThat(outcome.timedOut()).isFalse();
	}

	@Test
	void aProxyThatNeverCatchesUpHoldsThePodOnlyUntilTheTimeout() {
		this.routing.slice("web-1", 57, "uid-1", "10.88.0.5", false);
		this.routing.proxy("stuck", now().plusSeconds(60), 10, 12L);
		var outcome = this.gate.awaitUnrouted(pod(), Duration.ofSeconds(30));
		assertThat(outcome.timedOut()).isTrue();
		assertThat(outcome.waited()).isEqualTo(Duration.ofSeconds(10));
		assertThat(outcome.why()).contains("stevedore-proxy-stuck (at 12)").contains("revision 57");
	}

	@Test
	void aSliceThatKeepsThePodReadyHoldsItOnlyUntilTheBoundAndSaysWhich() {
		this.routing.slice("web-1", 40, "uid-1", "10.88.0.5", true);
		var outcome = this.gate.awaitUnrouted(pod(), Duration.ofSeconds(30));
		assertThat(outcome.timedOut()).isTrue();
		assertThat(outcome.why()).isEqualTo("EndpointSlice web-1 still lists the pod as ready");
	}

	@Test
	void theBoundLeavesAMarginOfTheGracePeriodForTheStop() {
		assertThat(this.gate.bound(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(10));
		assertThat(this.gate.bound(Duration.ofSeconds(8))).isEqualTo(Duration.ofSeconds(6));
		assertThat(this.gate.bound(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.gate.bound(Duration.ofSeconds(1))).isZero();
		assertThat(this.gate.bound(Duration.ZERO)).isZero();
		this.routing.slice("web-1", 40, "uid-1", "10.88.0.5", true);
		assertThat(this.gate.awaitUnrouted(pod(), Duration.ofSeconds(8)).waited()).isEqualTo(Duration.ofSeconds(6));
	}

	@Test
	void aPodAlreadyGoneFromEverySliceWaitsForTheSliceWatchsRevision() {
		this.routing.serving.add("uid-1");
		this.routing.revision = 90;
		this.routing.proxy("n1", now(), 10, 80L);
		at(700, () -> this.routing.proxy("n1", now(), 10, 90L));
		var outcome = this.gate.awaitUnrouted(pod(), Duration.ofSeconds(30));
		assertThat(outcome.timedOut()).isFalse();
		assertThat(outcome.waited()).isEqualTo(Duration.ofMillis(700));
	}

	@Test
	void anEndpointWithoutTargetRefIsMatchedByThePodIp() {
		this.routing.slices
			.add(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder().withNewMetadata()
				.withName("manual")
				.withNamespace("default")
				.withResourceVersion("5")
				.endMetadata()
				.addNewEndpoint()
				.withAddresses("10.88.0.5")
				.endEndpoint()
				.build());
		var outcome = this.gate.awaitUnrouted(pod(), Duration.ofSeconds(30));
		assertThat(outcome.timedOut()).as("no conditions means ready").isTrue();
	}

	private void at(long millis, Runnable action) {
		this.steps.add(new Step(millis, action));
	}

	private ZonedDateTime now() {
		return ZonedDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC);
	}

	private static Pod pod() {
		return new PodBuilder().withNewMetadata()
			.withName("web")
			.withNamespace("default")
			.withUid("uid-1")
			.endMetadata()
			.withNewStatus()
			.withPodIP("10.88.0.5")
			.endStatus()
			.build();
	}

}
