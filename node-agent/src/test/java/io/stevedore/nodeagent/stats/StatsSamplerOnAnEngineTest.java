package io.stevedore.nodeagent.stats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.ContainerStats;
import io.stevedore.nodeagent.runtime.FakeContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampler over a real-engine-like runtime (the sync loop's fake): container figures
 * from the engine, node figures from /proc, init containers and other nodes left out.
 */
class StatsSamplerOnAnEngineTest {

	final StatsSamplerTest.MutableClock clock = new StatsSamplerTest.MutableClock(
			java.time.Instant.parse("2026-12-04T20:00:00Z"));

	final FakeContainerRuntime runtime = new FakeContainerRuntime(this.clock);

	@TempDir
	Path proc;

	@Test
	void containerFiguresComeFromTheEngineAndNodeFiguresFromProc() throws Exception {
		writeProc(1000);
		String app = start("app", "app");
		start("setup", "init");
		this.runtime.stats.put(app, new ContainerStats(1_000_000_000L, 2048, 4096));
		StatsSampler sampler = new StatsSampler(this.runtime, "n1", (ns, name) -> null, new HostReadings(this.proc),
				this.clock, Duration.ofSeconds(10));
		sampler.sample();
		this.runtime.stats.put(app, new ContainerStats(6_000_000_000L, 2048, 4096));
		writeProc(1500);
		this.clock.advance(Duration.ofSeconds(10));

		sampler.sample();

		StatsSnapshot snapshot = sampler.snapshot();
		assertThat(snapshot.containers()).singleElement().satisfies((c) -> {
			assertThat(c.container()).isEqualTo("app");
			// 5 s of CPU in 10 s
			assertThat(c.series().nanoCores()).isEqualTo(500_000_000L);
			assertThat(c.series().latest().usageBytes()).isEqualTo(4096);
		});
		// 500 jiffies of 10 ms in 10 s
		assertThat(snapshot.node().nanoCores()).isEqualTo(500_000_000L);
		assertThat(snapshot.node().latest().workingSetBytes()).isEqualTo(400 * 1024);
	}

	private String start(String name, String kind) {
		String id = this.runtime.createContainer(new ContainerSpec("k8s_" + name, "busybox", List.of(), List.of(), "",
				List.of(), List.of(),
				Map.of(RuntimeLabels.NODE, "n1", RuntimeLabels.TYPE, RuntimeLabels.TYPE_CONTAINER,
						RuntimeLabels.CONTAINER_KIND, kind, RuntimeLabels.POD_NAMESPACE, "ns", RuntimeLabels.POD_NAME,
						"p", RuntimeLabels.POD_UID, "u", RuntimeLabels.CONTAINER_NAME, name),
				"sandbox", ContainerSpec.Resources.none(), false, false));
		this.runtime.startContainer(id);
		return id;
	}

	private void writeProc(long userJiffies) throws Exception {
		Files.writeString(this.proc.resolve("stat"), "cpu  " + userJiffies + " 0 0 9000 0 0 0 0 0 0\nbtime 1\n");
		Files.writeString(this.proc.resolve("meminfo"), "MemTotal: 1000 kB\nMemFree: 300 kB\nMemAvailable: 600 kB\n");
	}

}
