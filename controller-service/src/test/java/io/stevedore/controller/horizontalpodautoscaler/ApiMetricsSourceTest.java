package io.stevedore.controller.horizontalpodautoscaler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.client.rest.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * PodMetrics as metrics.k8s.io serves them (metrics-server's layout, which the
 * apiserver's MetricsApi writes), from a loopback HTTP server standing in for it.
 */
class ApiMetricsSourceTest {

	private HttpServer server;

	private KubernetesClient client;

	private final AtomicReference<String> body = new AtomicReference<>();

	private final AtomicReference<String> query = new AtomicReference<>();

	private int status = 200;

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods", (exchange) -> {
			this.query.set(exchange.getRequestURI().getRawQuery());
			byte[] bytes = this.body.get().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(this.status, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		this.server.start();
		this.client = KubernetesClients
			.create(new ApiServerClientProperties("http://127.0.0.1:" + this.server.getAddress().getPort(), null, null,
					null, null, null, Duration.ofSeconds(10), Duration.ofMillis(200)));
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.server.stop(0);
	}

	@Test
	void aPodsUsageIsTheSumOfItsContainersInMilliUnitsWithTimestampAndWindow() {
		this.body.set("""
				{"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[
				 {"metadata":{"name":"web-1","namespace":"shop"},"timestamp":"2026-12-04T12:00:00Z","window":"10.5s",
				  "containers":[{"name":"app","usage":{"cpu":"250m","memory":"64Mi"}},
				                {"name":"sidecar","usage":{"cpu":"1500000n","memory":"1Mi"}}]},
				 {"metadata":{"name":"web-2","namespace":"shop"},"timestamp":"2026-12-04T12:00:01Z","window":"1m0s",
				  "containers":[{"name":"app","usage":{"cpu":"1","memory":"10Mi"}}]}]}
				""");

		Map<String, PodMetric> cpu = new ApiMetricsSource(new RestClient(this.client)).podMetrics("shop", "app=web",
				"cpu");

		assertThat(this.query.get()).isEqualTo("labelSelector=app%3Dweb");
		assertThat(cpu).containsOnlyKeys("web-1", "web-2");
		// 1500000n is 1.5m: a fraction of a millicore counts as a whole one, never as
		// none.
		assertThat(cpu.get("web-1"))
			.isEqualTo(new PodMetric(252, Instant.parse("2026-12-04T12:00:00Z"), Duration.ofMillis(10500)));
		assertThat(cpu.get("web-2").milliValue()).isEqualTo(1000);
		assertThat(cpu.get("web-2").window()).isEqualTo(Duration.ofMinutes(1));
		Map<String, PodMetric> memory = new ApiMetricsSource(new RestClient(this.client)).podMetrics("shop", "app=web",
				"memory");
		assertThat(memory.get("web-1").milliValue()).isEqualTo(65L * 1024 * 1024 * 1000);
	}

	@Test
	void noPodMetricsIsTheErrorKubernetesReports() {
		this.body.set("{\"kind\":\"PodMetricsList\",\"items\":[]}");
		assertThatExceptionOfType(MetricsSource.MetricsUnavailableException.class)
			.isThrownBy(() -> new ApiMetricsSource(new RestClient(this.client)).podMetrics("shop", "app=web", "cpu"))
			.withMessage("unable to get metrics for resource cpu: no metrics returned from resource metrics API");
	}

	@Test
	void anApiThatIsNotServedIsAMetricsError() {
		this.status = 404;
		this.body
			.set("{\"kind\":\"Status\",\"code\":404,\"message\":\"the server could not find the requested resource\"}");
		assertThatExceptionOfType(MetricsSource.MetricsUnavailableException.class)
			.isThrownBy(() -> new ApiMetricsSource(new RestClient(this.client)).podMetrics("shop", "app=web", "cpu"))
			.withMessageStartingWith(
					"unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: ")
			.withMessageContaining("the server could not find the requested resource");
	}

}
