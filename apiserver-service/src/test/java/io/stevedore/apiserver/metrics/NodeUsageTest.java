package io.stevedore.apiserver.metrics;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeUsageTest {

	static final String SUMMARY = """
			{"node":{"nodeName":"n1","startTime":"2026-12-01T00:00:00Z",
			  "cpu":{"time":"2026-12-04T20:00:10Z","usageNanoCores":1500000000,"usageCoreNanoSeconds":9},
			  "memory":{"time":"2026-12-04T20:00:10Z","usageBytes":3000,"workingSetBytes":2048}},
			 "pods":[
			  {"podRef":{"name":"web","namespace":"shop","uid":"u1"},"containers":[
			    {"name":"app","cpu":{"time":"2026-12-04T20:00:10Z","usageNanoCores":250000000},
			     "memory":{"time":"2026-12-04T20:00:10Z","workingSetBytes":67108864}}]},
			  {"podRef":{"name":"new","namespace":"shop","uid":"u2"},"containers":[
			    {"name":"a","cpu":{"time":"2026-12-04T20:00:10Z","usageNanoCores":1},
			     "memory":{"time":"2026-12-04T20:00:10Z","workingSetBytes":1}},
			    {"name":"b","cpu":{"time":"2026-12-04T20:00:10Z","usageCoreNanoSeconds":5},
			     "memory":{"time":"2026-12-04T20:00:10Z","workingSetBytes":1}}]}]}
			""";

	@Test
	void aSummaryGivesTheNodeAndEveryPodWhoseContainersAllHaveARate() throws Exception {
		NodeUsage usage = NodeUsage.parse("n1", new ObjectMapper().readTree(SUMMARY), Duration.ofSeconds(10));

		assertThat(usage.usage())
			.isEqualTo(new NodeUsage.Usage(Instant.parse("2026-12-04T20:00:10Z"), 1_500_000_000L, 2048));
		// "new" has a container without a rate yet: a partial sum would under-report it
		assertThat(usage.pods()).singleElement().satisfies((pod) -> {
			assertThat(pod.name()).isEqualTo("web");
			assertThat(pod.containers().get(0).usage().nanoCores()).isEqualTo(250_000_000L);
		});
	}

	@Test
	void usageIsWrittenAsCanonicalQuantitiesThatFabric8Reads() throws Exception {
		var json = MetricsApi.usage(new NodeUsage.Usage(Instant.EPOCH, 250_000_000L, 64L * 1024 * 1024));

		assertThat(json.toString()).isEqualTo("{\"cpu\":\"250m\",\"memory\":\"64Mi\"}");
		NodeMetrics parsed = new ObjectMapper().readValue("{\"usage\":" + json + "}", NodeMetrics.class);
		assertThat(parsed.getUsage().get("cpu").toString()).isEqualTo("250m");
	}

	@Test
	void windowsAreWrittenAsGoDurations() {
		assertThat(MetricsApi.goDuration(Duration.ofSeconds(10))).isEqualTo("10s");
		assertThat(MetricsApi.goDuration(Duration.ofMillis(10_250))).isEqualTo("10.25s");
		assertThat(MetricsApi.goDuration(Duration.ofSeconds(60))).isEqualTo("1m0s");
		assertThat(MetricsApi.goDuration(Duration.ofSeconds(3725))).isEqualTo("1h2m5s");
	}

	@Test
	void theAgentsWindowHeaderIsReadInSeconds() {
		assertThat(AgentScraper.seconds("1.002")).isEqualTo(Duration.ofMillis(1002));
		assertThat(AgentScraper.seconds("x")).isEqualTo(Duration.ofSeconds(10));
	}

}
