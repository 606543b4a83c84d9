package io.stevedore.scheduler.framework;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameworkCloseTest {

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
			FrameworkCloseTest.this.closed.add(this.name);
			if (this.fails) {
				throw new IllegalStateException("informer already gone");
			}
		}

	}

}
