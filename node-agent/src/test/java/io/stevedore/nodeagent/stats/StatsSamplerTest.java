package io.stevedore.nodeagent.stats;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.nodeagent.runtime.simulated.SimulatedContainerRuntime;
import io.stevedore.nodeagent.runtime.simulated.SimulatedRuntimeProperties;
import io.stevedore.nodeagent.runtime.simulated.SimulatedUsage;
import io.stevedore.nodeagent.runtime.ContainerSpec;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampler over the simulated runtime, with a clock the test moves: rates, the pod and
 * node sums, and the kubelet's two text forms.
 */
class StatsSamplerTest {

	final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T20:00:00Z"));

	@Test
	void aSimulatedContainerReportsItsPodsAnnotatedUsageAfterTwoSamples() {
		Fixture f = new Fixture(
				Map.of(SimulatedUsage.CPU_ANNOTATION, "250m", SimulatedUsage.MEMORY_ANNOTATION, "64Mi"));

		f.sampler.sample();
		JsonNode first = SummaryJson.render(f.sampler.snapshot());
		this.clock.advance(Duration.ofSeconds(10));
		f.sampler.sample();
		JsonNode second = SummaryJson.render(f.sampler.snapshot());

		assertThat(first.at("/pods/0/containers/0/cpu").has("usageNanoCores")).isFalse();
		assertThat(second.at("/pods/0/podRef/name").asText()).isEqualTo("web");
		assertThat(second.at("/pods/0/containers/0/cpu/usageNanoCores").asLong()).isEqualTo(250_000_000L);
		assertThat(second.at("/pods/0/containers/0/memory/workingSetBytes").asLong()).isEqualTo(64L * 1024 * 1024);
		assertThat(second.at("/pods/0/cpu/usageNanoCores").asLong()).isEqualTo(250_000_000L);
		// a simulated node is the sum of its containers
		assertThat(second.at("/node/cpu/usageNanoCores").asLong()).isEqualTo(250_000_000L);
		assertThat(second.at("/node/nodeName").asText()).isEqualTo("sim");
		assertThat(f.sampler.snapshot().window()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void withoutAnnotationsASimulatedContainerUsesASmallConstant() {
		Fixture f = new Fixture(Map.of(SimulatedUsage.CPU_ANNOTATION, "not a quantity"));
		f.sampler.sample();
		this.clock.advance(Duration.ofSeconds(10));
		f.sampler.sample();

		JsonNode summary = SummaryJson.render(f.sampler.snapshot());

		assertThat(summary.at("/pods/0/containers/0/cpu/usageNanoCores").asLong()).isEqualTo(1_000_000L);
		assertThat(summary.at("/pods/0/containers/0/memory/workingSetBytes").asLong()).isEqualTo(4L * 1024 * 1024);
	}

	@Test
	void resourceMetricsTextHasTheKubeletsNamesLabelsAndTimestamps() {
		Fixture f = new Fixture(Map.of(SimulatedUsage.CPU_ANNOTATION, "500m", SimulatedUsage.MEMORY_ANNOTATION, "1Ki"));
		f.sampler.sample();
		this.clock.advance(Duration.ofSeconds(4));
		f.sampler.sample();

		String text = ResourceMetricsText.render(f.sampler.snapshot());

		long millis = this.clock.instant().toEpochMilli();
		assertThat(text)
			.contains("# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by "
					+ "the container in core-seconds\n# TYPE container_cpu_usage_seconds_total counter\n"
					+ "container_cpu_usage_seconds_total{container=\"app\",namespace=\"shop\",pod=\"web\"} 2 " + millis
					+ "\n")
			.contains("container_memory_working_set_bytes{container=\"app\",namespace=\"shop\",pod=\"web\"} 1024 "
					+ millis + "\n")
			.contains("pod_cpu_usage_seconds_total{namespace=\"shop\",pod=\"web\"} 2 " + millis + "\n")
			.contains("pod_memory_working_set_bytes{namespace=\"shop\",pod=\"web\"} 1024 " + millis + "\n")
			.contains("node_cpu_usage_seconds_total 2 " + millis + "\n")
			.contains("node_memory_working_set_bytes 1024 " + millis + "\n")
			.containsPattern("container_start_time_seconds\\{container=\"app\",namespace=\"shop\",pod=\"web\"} "
					+ "\\d\\.\\d+e\\+09\n")
			.endsWith("resource_scrape_error 0\n");
		assertThat(text.indexOf("# HELP container_")).isLessThan(text.indexOf("# HELP node_"));
		assertThat(text.indexOf("# HELP node_")).isLessThan(text.indexOf("# HELP pod_"));
	}

	@Test
	void valuesAreWrittenAsTheKubeletsGoClientWritesFloats() {
		assertThat(ResourceMetricsText.goFloat(java.math.BigDecimal.valueOf(67108864))).isEqualTo("6.7108864e+07");
		assertThat(ResourceMetricsText.goFloat(java.math.BigDecimal.valueOf(1764876000))).isEqualTo("1.764876e+09");
		assertThat(ResourceMetricsText.seconds(123_456_789_000L)).isEqualTo("123.456789");
		assertThat(ResourceMetricsText.seconds(50_000L)).isEqualTo("5e-05");
		assertThat(ResourceMetricsText.seconds(0)).isEqualTo("0");
		assertThat(ResourceMetricsText.goFloat(java.math.BigDecimal.valueOf(999999))).isEqualTo("999999");
	}

	@Test
	void aContainerThatIsGoneIsDroppedFromTheNextSnapshot() {
		Fixture f = new Fixture(Map.of());
		f.sampler.sample();
		f.runtime.removeContainer(f.containerId);
		this.clock.advance(Duration.ofSeconds(10));

		f.sampler.sample();

		assertThat(f.sampler.snapshot().containers()).isEmpty();
	}

	@Test
	void aChangedAnnotationChangesTheNextRateOnly() {
		Fixture f = new Fixture(Map.of(SimulatedUsage.CPU_ANNOTATION, "100m"));
		f.sampler.sample();
		this.clock.advance(Duration.ofSeconds(10));
		f.sampler.sample();
		f.pod.getMetadata().setAnnotations(Map.of(SimulatedUsage.CPU_ANNOTATION, "300m"));
		this.clock.advance(Duration.ofSeconds(10));

		f.sampler.sample();

		assertThat(f.sampler.snapshot().containers().get(0).series().nanoCores()).isEqualTo(300_000_000L);
	}

	@Test
	void aRuntimeWhoseOwnClockRunsLateStillReadsAsOfTheRoundsInstant() {
		// the runtime's clock lags the sampler's by a different amount each round, as a
		// pause between the round's timestamp and the reading does on a busy machine
		MutableClock late = new MutableClock(this.clock.instant());
		Fixture f = new Fixture(Map.of(SimulatedUsage.CPU_ANNOTATION, "250m"), late);
		f.sampler.sample();
		this.clock.advance(Duration.ofSeconds(1));
		late.advance(Duration.ofMillis(1_040));
		f.sampler.sample();

		assertThat(f.sampler.snapshot().containers().get(0).series().nanoCores()).isEqualTo(250_000_000L);
		assertThat(f.sampler.snapshot().node().nanoCores()).isEqualTo(250_000_000L);
	}

	final class Fixture {

		final SimulatedContainerRuntime runtime;

		final StatsSampler sampler;

		final String containerId;

		final Pod pod;

		Fixture(Map<String, String> annotations) {
			this(annotations, StatsSamplerTest.this.clock);
		}

		Fixture(Map<String, String> annotations, Clock runtimeClock) {
			this.runtime = new SimulatedContainerRuntime(
					new SimulatedRuntimeProperties(4, DataSize.ofGigabytes(16), "10.9.0.0/24", Duration.ZERO), "sim",
					runtimeClock);
			Pod pod = this.pod = new PodBuilder().withNewMetadata()
				.withNamespace("shop")
				.withName("web")
				.withUid("u1")
				.withAnnotations(annotations)
				.endMetadata()
				.build();
			this.containerId = this.runtime.createContainer(
					new ContainerSpec("k8s_app_web", "busybox", List.of(), List.of(), "", List.of(), List.of(),
							Map.of(RuntimeLabels.NODE, "sim", RuntimeLabels.TYPE, RuntimeLabels.TYPE_CONTAINER,
									RuntimeLabels.POD_NAMESPACE, "shop", RuntimeLabels.POD_NAME, "web",
									RuntimeLabels.POD_UID, "u1", RuntimeLabels.CONTAINER_NAME, "app"),
							"sandbox", ContainerSpec.Resources.none(), false, false));
			this.runtime.startContainer(this.containerId);
			this.sampler = new StatsSampler(this.runtime, "sim",
					(ns, name) -> ns.equals("shop") && name.equals("web") ? pod : null,
					new HostReadings(Path.of("/nonexistent")), StatsSamplerTest.this.clock, Duration.ofSeconds(10));
		}

	}

	static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
