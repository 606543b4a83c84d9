package io.stevedore.nodeagent.stats;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.ReachableNode;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node agent on the real Docker engine running a busybox pod that burns CPU: its
 * /stats/summary shows the burn, and kubectl top reads it through the real apiserver.
 */
class StatsSummaryIT {

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	static int agentPort;

	static org.springframework.context.ConfigurableApplicationContext agent;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		agentPort = TestCluster.freePort();
		agent = cluster.startNode("stats-node", "--server.port=" + agentPort, "--stevedore.node.port=" + agentPort,
				"--stevedore.node.stats.period=2s");
		client = cluster.client();
		client.pods().resource(TestPods.shell("burner", "stats-node", "while :; do :; done").build()).create();
		TestPods.await(client, "burner", (p) -> "Running".equals(p.getStatus().getPhase()));
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aContainerBurningCpuShowsNonzeroUsageInTheSummary() {
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			HttpResponse<String> response = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/stats/summary")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode summary = new ObjectMapper().readTree(response.body());
			JsonNode pod = null;
			for (JsonNode candidate : summary.path("pods")) {
				if (candidate.at("/podRef/name").asText().equals("burner")) {
					pod = candidate;
				}
			}
			assertThat(pod).as(response.body()).isNotNull();
			JsonNode container = pod.at("/containers/0");
			assertThat(container.path("name").asText()).isEqualTo("main");
			// a busy loop gets a good share of a core even on a loaded 2-core machine
			assertThat(container.at("/cpu/usageNanoCores").asLong()).as(response.body()).isGreaterThan(100_000_000L);
			assertThat(container.at("/cpu/usageCoreNanoSeconds").asLong()).isPositive();
			assertThat(container.at("/memory/workingSetBytes").asLong()).isPositive();
			assertThat(summary.at("/node/cpu/usageNanoCores").asLong()).isPositive();
			assertThat(summary.at("/node/memory/workingSetBytes").asLong()).isPositive();
			System.out.println("burner container usageNanoCores=" + container.at("/cpu/usageNanoCores").asLong()
					+ " workingSetBytes=" + container.at("/memory/workingSetBytes").asLong());
		});
	}

	@Test
	void aSamplingRoundReadsCgroupFilesAndIsCheap() {
		StatsSampler sampler = agent.getBean(StatsSampler.class);
		sampler.sample();
		long best = Long.MAX_VALUE;
		for (int i = 0; i < 20; i++) {
			long start = System.nanoTime();
			sampler.sample();
			best = Math.min(best, System.nanoTime() - start);
		}
		System.out
			.println("one sampling round (1 container, cgroup files, /proc): best of 20 = " + best / 1_000 + " us");
		// Docker's stats API takes one to two seconds per running container (docker
		// stats --no-stream took 1.6-2.0 s here); a round far under that shows the
		// cgroup files were read.
		assertThat(best).isLessThan(200_000_000L);
	}

	@Test
	void kubectlTopPodReadsTheBurnThroughTheApiserver() {
		Kubectl kubectl = ReachableNode.kubectl(cluster, dir);
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			KubectlResult top = kubectl.run("top", "pod", "burner", "--no-headers");
			assertThat(top.exitCode()).as(top.describe()).isZero();
			String[] columns = top.stdout().trim().split("\\s+");
			assertThat(columns[0]).isEqualTo("burner");
			assertThat(Integer.parseInt(columns[1].replace("m", ""))).as(top.stdout()).isGreaterThan(100);
			System.out.println("kubectl top pod burner: " + top.stdout().trim());
		});
	}

}
