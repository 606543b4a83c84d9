package io.stevedore.scheduler.framework;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameworkTest {

	private final List<String> closed = new ArrayList<>();

	@Test
	void closingAProfileClosesEveryPluginEvenWhenOneFailsToClose() {
		Registry registry = new Registry().register("Failing", (handle) -> new Binder("Failing", true))
			.register("First", (handle) -> new Binder("First", false))
			.register("Second", (handle) -> new Binder("Second", false));
		Map<String, Integer> plugins = new LinkedHashMap<>();
		plugins.put("First", 0);
		plugins.put("Failing", 0);
		plugins.put("Second", 0);
		Framework framework = new Framework("default-scheduler", registry, plugins,
				new Handle(null, Clock.systemUTC(), Map.of()), Map.of());

		framework.close();

		assertThat(this.closed).containsExactly("First", "Failing", "Second");
	}

	@Test
	void aFilterWhosePreFilterSkippedDoesNotRunOnAnyNodeOfThatCycleButRunsWithoutPreFilter() {
		Registry registry = new Registry().register("Skipping", (handle) -> new SkippingFilter())
			.register("Binder", (handle) -> new Binder("Binder", false));
		Map<String, Integer> plugins = new LinkedHashMap<>();
		plugins.put("Skipping", 0);
		plugins.put("Binder", 0);
		Framework framework = new Framework("default-scheduler", registry, plugins,
				new Handle(null, Clock.systemUTC(), Map.of()), Map.of());
		PodInfo pod = PodInfo.of(io.stevedore.scheduler.testing.TestObjects.pod("p").build());
		NodeInfo node = new NodeInfo("n1");

		CycleState cycle = new CycleState();
		assertThat(framework.runPreFilter(cycle, pod, NodeSnapshot.of(node)).isSuccess()).isTrue();
		Status afterPreFilter = framework.runFilter(cycle, pod, node);
		Status withoutPreFilter = framework.runFilter(new CycleState(), pod, node);

		assertThat(afterPreFilter.isSuccess()).isTrue();
		assertThat(withoutPreFilter.isSuccess()).isFalse();
	}

	/** Skips at PreFilter; its Filter rejects every node, so running it shows. */
	private static final class SkippingFilter implements PreFilterPlugin, FilterPlugin {

		@Override
		public String name() {
			return "Skipping";
		}

		@Override
		public Status preFilter(CycleState state, PodInfo pod, NodeSnapshot snapshot) {
			return Status.skip();
		}

		@Override
		public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
			return Status.unschedulable("ran although skipped");
		}

	}

	private final class Binder implements BindPlugin {

		private final String name;

		private final boolean fails;

		Binder(String name, boolean fails) {
			this.name = name;
			this.fails = fails;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public Status bind(CycleState state, PodInfo pod, String nodeName) {
			return Status.success();
		}

		@Override
		public void close() {
			FrameworkTest.this.closed.add(this.name);
			if (this.fails) {
				throw new IllegalStateException("informer already gone");
			}
		}

	}

}
