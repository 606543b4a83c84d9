package io.stevedore.apiserver.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.stevedore.apiserver.kubelet.KubeletTransport;
import io.stevedore.apiserver.rest.PodLogLocation;
import io.stevedore.machinery.errors.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches {@code /stats/summary} from every Ready node's agent in parallel, with a short
 * timeout, and keeps the answer for a few seconds, as metrics-server scrapes kubelets: a
 * burst of {@code kubectl top} calls or an autoscaler's reads cost one round of requests.
 * A node whose agent does not answer in time is left out (and logged), never waited for.
 * <p>
 * Threading: safe for concurrent use; one scrape at a time, concurrent callers wait for
 * it and share its result.
 */
public final class AgentScraper {

	/** The agent's sampling period, on its answer; see node-agent's StatsEndpoint. */
	public static final String WINDOW_HEADER = "X-Stevedore-Stats-Window";

	private static final Logger log = LoggerFactory.getLogger(AgentScraper.class);

	private static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

	private final KubeletTransport.Http http;

	private final ObjectMapper json;

	private final Clock clock;

	private final Duration timeout;

	private final Duration cacheTtl;

	private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

	private Instant scrapedAt = Instant.MIN;

	private Map<String, NodeUsage> cached = Map.of();

	private final KubeletTransport kubelets;

	public AgentScraper(ObjectMapper json, Clock clock, Duration timeout, Duration cacheTtl) {
		this(json, clock, timeout, cacheTtl, KubeletTransport.plain());
	}

	public AgentScraper(ObjectMapper json, Clock clock, Duration timeout, Duration cacheTtl,
			KubeletTransport kubelets) {
		this.kubelets = kubelets;
		this.json = json;
		this.clock = clock;
		this.timeout = timeout;
		this.cacheTtl = cacheTtl;
		this.http = kubelets.http(() -> HttpClient.newBuilder().connectTimeout(timeout).executor(this.executor));
	}

	/** The usage of each answering node, by node name; at most {@code cacheTtl} old. */
	public synchronized Map<String, NodeUsage> usage(List<Node> nodes) {
		Instant now = this.clock.instant();
		if (now.isBefore(this.scrapedAt.plus(this.cacheTtl))) {
			return this.cached;
		}
		List<CompletableFuture<NodeUsage>> calls = new ArrayList<>();
		for (Node node : nodes) {
			if (ready(node)) {
				calls.add(CompletableFuture.supplyAsync(() -> scrape(node), this.executor));
			}
		}
		Map<String, NodeUsage> result = new LinkedHashMap<>();
		for (CompletableFuture<NodeUsage> call : calls) {
			NodeUsage usage = call.join();
			if (usage != null) {
				result.put(usage.node(), usage);
			}
		}
		this.cached = Map.copyOf(result);
		this.scrapedAt = now;
		return this.cached;
	}

	private NodeUsage scrape(Node node) {
		String name = node.getMetadata().getName();
		URI uri = summaryUri(node);
		if (uri == null) {
			log.info("metrics: node {} reports no agent address or port, left out", name);
			return null;
		}
		uri = this.kubelets.locate(uri);
		try {
			HttpResponse<byte[]> response = this.http.get()
				.send(HttpRequest.newBuilder(uri).timeout(this.timeout).GET().build(),
						HttpResponse.BodyHandlers.ofByteArray());
			if (response.statusCode() != 200) {
				log.info("metrics: node {} answered {} on {}, left out", name, response.statusCode(), uri);
				return null;
			}
			Duration window = response.headers()
				.firstValue(WINDOW_HEADER)
				.map(AgentScraper::seconds)
				.orElse(DEFAULT_WINDOW);
			return NodeUsage.parse(name, this.json.readTree(response.body()), window);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			log.info("metrics: node {} did not answer {}: {}, left out", name, uri, ex.toString());
			return null;
		}
	}

	static Duration seconds(String value) {
		try {
			return Duration.ofNanos(Math.round(Double.parseDouble(value.trim()) * 1e9));
		}
		catch (NumberFormatException ex) {
			return DEFAULT_WINDOW;
		}
	}

	static boolean ready(Node node) {
		return node.getStatus() != null && node.getStatus().getConditions() != null
				&& node.getStatus()
					.getConditions()
					.stream()
					.anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
	}

	/** Where pods/log finds the node's agent; null when the Node does not say. */
	static URI summaryUri(Node node) {
		try {
			return PodLogLocation.agent(node).resolve("/stats/summary");
		}
		catch (ApiException ex) {
			return null;
		}
	}

}
