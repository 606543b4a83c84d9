package io.stevedore.scheduler.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The cluster as one scheduling cycle sees it: cloned NodeInfos that do not change while
 * plugins read them. Kubernetes' {@code cache.Snapshot}; the cache refreshes only the
 * nodes whose generation moved.
 */
public final class NodeSnapshot {

	private final Map<String, NodeInfo> byName = new HashMap<>();

	private List<NodeInfo> nodes = List.of();

	private List<NodeInfo> withAffinity = List.of();

	private List<NodeInfo> withRequiredAntiAffinity = List.of();

	private Map<String, Integer> imageNodeCounts = Map.of();

	private Function<String, Map<String, String>> namespaceLabels = (namespace) -> Map.of();

	/** A snapshot of exactly these nodes, for tests. */
	public static NodeSnapshot of(NodeInfo... nodes) {
		NodeSnapshot snapshot = new NodeSnapshot();
		for (NodeInfo node : nodes) {
			snapshot.byName.put(node.name(), node);
		}
		snapshot.rebuildLists();
		return snapshot;
	}

	/** Nodes with a Node object, in a stable order. */
	public List<NodeInfo> nodes() {
		return this.nodes;
	}

	public NodeInfo get(String name) {
		return this.byName.get(name);
	}

	/** Nodes with at least one pod that has (anti-)affinity terms. */
	public List<NodeInfo> nodesWithAffinityPods() {
		return this.withAffinity;
	}

	public List<NodeInfo> nodesWithRequiredAntiAffinityPods() {
		return this.withRequiredAntiAffinity;
	}

	/** On how many nodes an image is present: ImageLocality scales by this spread. */
	public int nodesWithImage(String image) {
		return this.imageNodeCounts.getOrDefault(image, 0);
	}

	public Map<String, String> namespaceLabels(String namespace) {
		Map<String, String> labels = this.namespaceLabels.apply(namespace);
		return labels == null ? Map.of() : labels;
	}

	public Function<String, Map<String, String>> namespaceLabels() {
		return this::namespaceLabels;
	}

	public void setNamespaceLabels(Function<String, Map<String, String>> namespaceLabels) {
		this.namespaceLabels = namespaceLabels;
	}

	Map<String, NodeInfo> byName() {
		return this.byName;
	}

	/** Replaces or adds one node's clone; call {@link #rebuildLists()} after a batch. */
	public void put(NodeInfo clone) {
		this.byName.put(clone.name(), clone);
	}

	public void remove(String name) {
		this.byName.remove(name);
	}

	public long generationOf(String name) {
		NodeInfo node = this.byName.get(name);
		return node == null ? -1 : node.generation();
	}

	public java.util.Set<String> names() {
		return this.byName.keySet();
	}

	public void rebuildLists() {
		List<NodeInfo> all = new ArrayList<>();
		List<NodeInfo> affinity = new ArrayList<>();
		List<NodeInfo> anti = new ArrayList<>();
		Map<String, Integer> images = new HashMap<>();
		for (NodeInfo node : this.byName.values()) {
			if (node.node() == null) {
				continue;
			}
			all.add(node);
			if (!node.podsWithAffinity().isEmpty()) {
				affinity.add(node);
			}
			if (!node.podsWithRequiredAntiAffinity().isEmpty()) {
				anti.add(node);
			}
			node.imageSizes().keySet().forEach((image) -> images.merge(image, 1, Integer::sum));
		}
		all.sort(java.util.Comparator.comparing(NodeInfo::name));
		this.nodes = all;
		this.withAffinity = affinity;
		this.withRequiredAntiAffinity = anti;
		this.imageNodeCounts = images;
	}

}
