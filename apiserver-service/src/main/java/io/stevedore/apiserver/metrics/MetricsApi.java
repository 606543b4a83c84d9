package io.stevedore.apiserver.metrics;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.quantity.Quantity;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.KeyValue;
import io.stevedore.storage.ListPage;
import io.stevedore.storage.Store;

/**
 * {@code metrics.k8s.io/v1beta1}: NodeMetrics and PodMetrics, read-only, computed from
 * the node agents' summaries ({@link AgentScraper}) joined with the stored nodes and
 * pods, whose labels the selectors match, as metrics-server does. Nothing is stored.
 * <p>
 * Threading: stateless apart from the scraper's cache; safe for concurrent requests.
 */
public final class MetricsApi {

	private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

	private final Store store;

	private final ObjectCodec codec;

	private final AgentScraper scraper;

	private final Clock clock;

	private final ResourceType nodes;

	private final ResourceType pods;

	public MetricsApi(Store store, ObjectCodec codec, AgentScraper scraper, Clock clock, ResourceType nodes,
			ResourceType pods) {
		this.store = store;
		this.codec = codec;
		this.scraper = scraper;
		this.clock = clock;
		this.nodes = nodes;
		this.pods = pods;
	}

	/** The JSON answer to a get or list; any other verb is 405 MethodNotAllowed. */
	public byte[] serve(RequestInfo info, Map<String, String> query) {
		ResourceType type = info.resource().equals("nodes") ? MetricsTypes.NODES : MetricsTypes.PODS;
		boolean list = info.verb().equals("list");
		if (!list && !info.verb().equals("get")) {
			throw ApiException.methodNotSupported(MetricsTypes.GROUP, type.plural(), info.verb());
		}
		if (!info.subresource().isEmpty()) {
			throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
		}
		ObjectNode answer;
		if (type == MetricsTypes.NODES) {
			answer = list ? nodeList(MetricsSelection.parse(query, false)) : node(info.name());
		}
		else {
			answer = list ? podList(info.namespace(), MetricsSelection.parse(query, true))
					: pod(info.namespace(), info.name());
		}
		return this.codec.writeJson(answer);
	}

	ObjectNode nodeList(MetricsSelection selection) {
		List<Node> all = storedNodes();
		Map<String, NodeUsage> usage = this.scraper.usage(all);
		ArrayNode items = JSON.arrayNode();
		for (Node node : all) {
			NodeUsage found = usage.get(node.getMetadata().getName());
			if (found != null && found.usage() != null
					&& selection.matches(null, node.getMetadata().getName(), node.getMetadata().getLabels())) {
				items.add(nodeMetrics(node, found));
			}
		}
		return list("NodeMetricsList", items);
	}

	ObjectNode node(String name) {
		List<Node> all = storedNodes();
		Node node = all.stream().filter(n -> n.getMetadata().getName().equals(name)).findFirst().orElse(null);
		NodeUsage found = node == null ? null : this.scraper.usage(all).get(name);
		if (found == null || found.usage() == null) {
			throw ApiException.notFound(MetricsTypes.GROUP, "nodemetrics", name);
		}
		return nodeMetrics(node, found);
	}

	ObjectNode podList(String namespace, MetricsSelection selection) {
		Map<String, Pod> stored = storedPods(namespace);
		ArrayNode items = JSON.arrayNode();
		List<ObjectNode> found = new ArrayList<>();
		for (NodeUsage node : this.scraper.usage(storedNodes()).values()) {
			for (NodeUsage.PodUsage usage : node.pods()) {
				Pod pod = stored.get(usage.namespace() + "/" + usage.name());
				if (pod != null && running(pod)
						&& selection.matches(usage.namespace(), usage.name(), pod.getMetadata().getLabels())) {
					found.add(podMetrics(pod, usage, node.window()));
				}
			}
		}
		found.sort(Comparator.comparing((ObjectNode o) -> o.path("metadata").path("namespace").asText())
			.thenComparing(o -> o.path("metadata").path("name").asText()));
		found.forEach(items::add);
		return list("PodMetricsList", items);
	}

	/**
	 * As metrics-server: a pod that does not exist is the pods' own 404; one without
	 * figures (not Running, or not sampled twice yet) is podmetrics' 404 on
	 * {@code namespace/name}.
	 */
	ObjectNode pod(String namespace, String name) {
		Pod pod = storedPods(namespace).get(namespace + "/" + name);
		if (pod == null) {
			throw ApiException.notFound("", "pods", name);
		}
		if (running(pod)) {
			for (NodeUsage node : this.scraper.usage(storedNodes()).values()) {
				for (NodeUsage.PodUsage usage : node.pods()) {
					if (usage.namespace().equals(namespace) && usage.name().equals(name)) {
						return podMetrics(pod, usage, node.window());
					}
				}
			}
		}
		throw ApiException.notFound(MetricsTypes.GROUP, "podmetrics", namespace + "/" + name);
	}

	/** metrics-server reports Running pods only. */
	private static boolean running(Pod pod) {
		return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
	}

	private ObjectNode nodeMetrics(Node node, NodeUsage usage) {
		ObjectNode object = JSON.objectNode();
		object.put("kind", "NodeMetrics");
		object.put("apiVersion", MetricsTypes.GROUP + "/" + MetricsTypes.VERSION);
		object.set("metadata", metadata(node.getMetadata().getName(), null, node.getMetadata().getLabels()));
		object.put("timestamp", time(usage.usage().time()));
		object.put("window", goDuration(usage.window()));
		object.set("usage", usage(usage.usage()));
		return object;
	}

	private ObjectNode podMetrics(Pod pod, NodeUsage.PodUsage usage, Duration window) {
		ObjectNode object = JSON.objectNode();
		object.put("kind", "PodMetrics");
		object.put("apiVersion", MetricsTypes.GROUP + "/" + MetricsTypes.VERSION);
		object.set("metadata",
				metadata(pod.getMetadata().getName(), pod.getMetadata().getNamespace(), pod.getMetadata().getLabels()));
		object.put("timestamp", time(usage.timestamp()));
		object.put("window", goDuration(window));
		ArrayNode containers = object.putArray("containers");
		for (NodeUsage.ContainerUsage container : usage.containers()) {
			ObjectNode entry = containers.addObject();
			entry.put("name", container.name());
			entry.set("usage", usage(container.usage()));
		}
		return object;
	}

	/**
	 * As metrics-server: the object is made now (creationTimestamp), labels are the pod's
	 * or node's.
	 */
	private ObjectNode metadata(String name, String namespace, Map<String, String> labels) {
		ObjectNode metadata = JSON.objectNode();
		metadata.put("name", name);
		if (namespace != null) {
			metadata.put("namespace", namespace);
		}
		metadata.put("creationTimestamp", time(this.clock.instant()));
		if (labels != null && !labels.isEmpty()) {
			ObjectNode labelNode = metadata.putObject("labels");
			labels.forEach(labelNode::put);
		}
		return metadata;
	}

	/** CPU as a nanocore quantity, memory in bytes, canonical as Go prints them. */
	static ObjectNode usage(NodeUsage.Usage usage) {
		ObjectNode node = JSON.objectNode();
		node.put("cpu", Quantity.of(BigDecimal.valueOf(usage.nanoCores(), 9), Quantity.Format.DECIMAL_SI).toString());
		node.put("memory",
				Quantity.of(BigDecimal.valueOf(usage.workingSetBytes()), Quantity.Format.BINARY_SI).toString());
		return node;
	}

	private static ObjectNode list(String kind, ArrayNode items) {
		ObjectNode list = JSON.objectNode();
		list.put("kind", kind);
		list.put("apiVersion", MetricsTypes.GROUP + "/" + MetricsTypes.VERSION);
		list.putObject("metadata");
		list.set("items", items);
		return list;
	}

	private static String time(Instant instant) {
		return instant.truncatedTo(ChronoUnit.SECONDS).toString();
	}

	/** Go's time.Duration.String() for a window: {@code 10.5s}, {@code 1m0s}. */
	static String goDuration(Duration duration) {
		long nanos = duration.toNanos();
		if (nanos <= 0) {
			return "0s";
		}
		long totalSeconds = nanos / 1_000_000_000L;
		long fraction = nanos % 1_000_000_000L;
		String seconds = Long.toString(totalSeconds % 60);
		if (fraction != 0) {
			String digits = String.format("%09d", fraction).replaceAll("0+$", "");
			seconds = seconds + "." + digits;
		}
		long minutes = totalSeconds / 60;
		if (minutes == 0) {
			return seconds + "s";
		}
		long hours = minutes / 60;
		return (hours > 0 ? hours + "h" + (minutes % 60) + "m" : minutes + "m") + seconds + "s";
	}

	private List<Node> storedNodes() {
		List<Node> result = new ArrayList<>();
		for (KeyValue kv : listAll(this.nodes.keyPrefix())) {
			result.add(this.codec.decodeStored(kv.value(), kv.modRevision(), Node.class));
		}
		return result;
	}

	private Map<String, Pod> storedPods(String namespace) {
		Map<String, Pod> result = new HashMap<>();
		for (KeyValue kv : listAll(this.pods.keyPrefix(namespace))) {
			Pod pod = this.codec.decodeStored(kv.value(), kv.modRevision(), Pod.class);
			result.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
		}
		return result;
	}

	private List<KeyValue> listAll(String prefix) {
		List<KeyValue> all = new ArrayList<>();
		String after = null;
		while (true) {
			ListPage page = this.store.list(prefix, after, 500);
			all.addAll(page.items());
			if (!page.more() || page.items().isEmpty()) {
				return all;
			}
			after = page.items().get(page.items().size() - 1).key();
		}
	}

}
