package io.stevedore.nodeagent.runtime;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardedContainerRuntimeTest {

	private final FakeContainerRuntime engine = new FakeContainerRuntime(Clock.systemUTC());

	@Test
	void anEngineThatStopsAnsweringOpensTheBreakerCallsFailFastAndItClosesWhenTheEngineIsBack()
			throws InterruptedException {
		GuardedContainerRuntime runtime = new GuardedContainerRuntime(this.engine, 4, Duration.ofMillis(300), 2,
				Duration.ofMillis(1));
		this.engine.down = true;
		// Each read is tried twice: two calls make the four failures of the window.
		for (int i = 0; i < 2; i++) {
			assertThatThrownBy(() -> runtime.listContainers(Map.of())).isInstanceOf(RuntimeUnreachableException.class)
				.hasMessageContaining("not reachable");
		}
		assertThat(this.engine.listings).hasValue(4);
		assertThat(runtime.state()).isEqualTo(CircuitBreaker.State.OPEN);
		for (int i = 0; i < 50; i++) {
			assertThatThrownBy(() -> runtime.listContainers(Map.of())).isInstanceOf(RuntimeUnreachableException.class)
				.hasMessageContaining("circuit breaker OPEN");
		}
		assertThat(this.engine.listings).as("no call reached the engine while open").hasValue(4);
		this.engine.down = false;
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			try {
				assertThat(runtime.listContainers(Map.of())).isEmpty();
				break;
			}
			catch (RuntimeUnreachableException ex) {
				assertThat(ex).hasMessageContaining("circuit breaker");
				assertThat(System.nanoTime()).as("breaker let a probe through").isLessThan(deadline);
				Thread.sleep(50);
			}
		}
		assertThat(runtime.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.engine.listings).as("one probe, no retries").hasValue(5);
	}

	@Test
	void everyMethodOfThePortIsPassedOnNotLeftToItsDefault() {
		// A default method the guard does not override answers its default (0, empty)
		// in production whatever the engine says: the eviction manager ranked every
		// pod's disk, inodes and processes as 0 that way.
		List<String> missing = new ArrayList<>();
		for (Method method : ContainerRuntime.class.getMethods()) {
			try {
				GuardedContainerRuntime.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
			}
			catch (NoSuchMethodException ex) {
				missing.add(method.getName());
			}
		}
		// runSandbox is createSandbox then startSandbox, each guarded.
		assertThat(missing).as("ContainerRuntime methods GuardedContainerRuntime does not pass on")
			.containsExactly("runSandbox");
	}

	@Test
	void aLoneFailureIsRetriedAndTheCallerSeesTheAnswer() {
		GuardedContainerRuntime runtime = new GuardedContainerRuntime(this.engine, 4, Duration.ofSeconds(60), 3,
				Duration.ofMillis(1));
		this.engine.unreachableListings = 2;
		assertThat(runtime.listContainers(Map.of())).isEmpty();
		assertThat(this.engine.listings).as("two failures, then the answer").hasValue(3);
		assertThat(runtime.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void refusalsOfAnEngineThatAnswersAreNeitherRetriedNorCounted() {
		GuardedContainerRuntime runtime = new GuardedContainerRuntime(this.engine, 4, Duration.ofSeconds(60), 3,
				Duration.ofMillis(1));
		this.engine.refusal = "no such container";
		for (int i = 0; i < 10; i++) {
			assertThatThrownBy(() -> runtime.listContainers(Map.of()))
				.isExactlyInstanceOf(RuntimeUnavailableException.class)
				.hasMessage("no such container");
		}
		assertThat(this.engine.listings).as("one try each").hasValue(10);
		assertThat(runtime.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

}
