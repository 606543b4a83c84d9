package io.stevedore.gateway.routing;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness needs several failed probes in a row; with no ready replica the pool fails
 * open to one whose breaker is closed, and gives up only when every breaker is open.
 */
class UpstreamPoolTest {

	private final UpstreamPool pool = new UpstreamPool(
			List.of(URI.create("http://127.0.0.1:1001"), URI.create("http://127.0.0.1:1002")),
			UpstreamPool.defaultBreakers());

	private final Upstream first = this.pool.all().get(0);

	private final Upstream second = this.pool.all().get(1);

	@Test
	void aReplicaTurnsUnreadyOnlyAfterThreeFailedProbesInARowAndReadyAfterOnePass() {
		assertThat(this.first.recordProbe(false)).isTrue();
		assertThat(this.first.recordProbe(false)).isTrue();
		assertThat(this.first.recordProbe(true)).isTrue();
		assertThat(this.first.recordProbe(false)).isTrue();
		assertThat(this.first.recordProbe(false)).isTrue();
		assertThat(this.first.recordProbe(false)).isFalse();
		assertThat(this.first.recordProbe(true)).isTrue();
	}

	@Test
	void readyReplicasAreChosenRoundRobinAndAnUnreadyOneIsSkipped() {
		assertThat(List.of(this.pool.choose().orElseThrow(), this.pool.choose().orElseThrow()))
			.containsExactlyInAnyOrder(this.first, this.second);
		unready(this.first);

		assertThat(List.of(this.pool.choose().orElseThrow(), this.pool.choose().orElseThrow(),
				this.pool.choose().orElseThrow()))
			.containsOnly(this.second);
	}

	@Test
	void withNoReadyReplicaThePoolFailsOpenUntilEveryBreakerIsOpen() {
		unready(this.first);
		unready(this.second);
		assertThat(this.pool.choose()).isPresent();

		this.first.circuitBreaker().transitionToOpenState();
		assertThat(this.pool.choose()).contains(this.second);
		this.second.circuitBreaker().transitionToOpenState();
		assertThat(this.pool.choose()).isEmpty();
	}

	private static void unready(Upstream upstream) {
		for (int i = 0; i < Upstream.FAILURE_THRESHOLD; i++) {
			upstream.recordProbe(false);
		}
		assertThat(upstream.isReady()).isFalse();
	}

}
