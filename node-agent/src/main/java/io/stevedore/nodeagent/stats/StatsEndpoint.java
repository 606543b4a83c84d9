package io.stevedore.nodeagent.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.nodeagent.hollow.HollowNodesCondition;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The kubelet's resource endpoints on the agent's port: {@code GET /stats/summary} (the
 * Summary API, which the apiserver's metrics.k8s.io reads) and
 * {@code GET /metrics/resource} (Prometheus text, which metrics-server reads from real
 * kubelets). Both answer from the sampler's last snapshot; no request touches the engine.
 * The summary carries the sampling window in a header, since the Summary API has no field
 * for it and metrics.k8s.io reports it.
 */
@RestController
@ConditionalOnProperty(name = "stevedore.node.enabled", havingValue = "true", matchIfMissing = true)
@Conditional(HollowNodesCondition.OnOneNode.class)
public class StatsEndpoint {

	/** Same name as the apiserver's AgentScraper.WINDOW_HEADER. */
	static final String WINDOW_HEADER = "X-Stevedore-Stats-Window";

	private static final ObjectMapper JSON = new ObjectMapper();

	private final StatsSampler sampler;

	public StatsEndpoint(StatsSampler sampler) {
		this.sampler = sampler;
	}

	@GetMapping("/stats/summary")
	public void summary(HttpServletResponse response) throws IOException {
		StatsSnapshot snapshot = this.sampler.snapshot();
		byte[] body = JSON.writeValueAsBytes(SummaryJson.render(snapshot));
		response.setHeader(WINDOW_HEADER, ResourceMetricsText.plainSeconds(snapshot.window().toNanos()));
		write(response, "application/json", body);
	}

	@GetMapping("/metrics/resource")
	public void resource(HttpServletResponse response) throws IOException {
		byte[] body = ResourceMetricsText.render(this.sampler.snapshot()).getBytes(StandardCharsets.UTF_8);
		write(response, "text/plain; version=0.0.4; charset=utf-8", body);
	}

	private static void write(HttpServletResponse response, String contentType, byte[] body) throws IOException {
		response.setStatus(200);
		response.setContentType(contentType);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
