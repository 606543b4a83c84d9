package io.stevedore.scheduler.plugins.balancedallocation;

import java.util.stream.Stream;

import io.stevedore.scheduler.framework.CycleState;
import io.stevedore.scheduler.framework.NodeInfo;
import io.stevedore.scheduler.framework.PodInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.stevedore.scheduler.testing.TestObjects.node;
import static io.stevedore.scheduler.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

class BalancedAllocationTest {

	static Stream<Arguments> cases() {
		return Stream.of(Arguments.of("equal cpu and memory fractions score the maximum", "2", "4Gi", 100L),
				Arguments.of("half the cpu and none of the memory lose a quarter", "2", "1", 75L),
				Arguments.of("all the cpu and none of the memory lose half", "4", "1", 50L));
	}

	/** The node: 4 cpu, 8Gi, empty. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void score(String name, String cpu, String memory, long expected) {
		long score = new BalancedAllocation().score(new CycleState(), PodInfo.of(pod("p", cpu, memory).build()),
				NodeInfo.of(node("n1", "4", "8Gi").build()));

		assertThat(score).isEqualTo(expected);
	}

}
