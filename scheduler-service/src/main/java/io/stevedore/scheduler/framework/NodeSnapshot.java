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

	private List<NodeInfo> nodes = new ArrayList<>();

	private List<NodeInfo> withAffinity = List.of();

	private List<NodeInfo> withRequiredAntiAffinity = List.of();

	private Map<String, Integer> imageNodeCounts = Map.of();

	private Function<String, Map<String, String>> namespaceLabels = (namespace) -> Map.of();

	/** Position of each node in {@link #nodes}, to replace a clone without re-sorting. */
	private final Map<String, Integer> positions = new HashMap<>();

	/** A node appeared, went, or gained or lost its Node object: re-sort everything. */
	private boolean structureChanged;

	/** A replaced node had or has pods with affinity: refilter those lists. */
	private boolean affinityChanged;

	/** A replaced node's Node object changed: recount images. */
	private boolean imagesChanged;

	/** A snapshot of exactly these nodes, for tests. */
	public static NodeSnapshot of(NodeInfo... nodes) {
		NodeSnapshot snapshot = new NodeSnapshot();
		for (NodeInfo node : nodes) {
			snapshot.put(node);
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
		NodeInfo previous = this.byName.put(clone.name(), clone);
		Integer position = this.positions.get(clone.name());
		if (previous == null || position == null || previous.node() == null || clone.node() == null) {
			this.structureChanged = true;
			return;
		}
		this.nodes.set(position, clone);
		if (!previous.podsWithAffinity().isEmpty() || !clone.podsWithAffinity().isEmpty()) {
			this.affinityChanged = true;
		}
		if (previous.node() != clone.node()) {
			this.imagesChanged = true;
			this.affinityChanged = true;
		}
	}

	public void remove(String name) {
		this.byName.remove(name);
		this.structureChanged = true;
	}

	public long generationOf(String name) {
		NodeInfo node = this.byName.get(name);
		return node == null ? -1 : node.generation();
	}

	public java.util.Set<String> names() {
		return java.util.Collections.unmodifiableSet(this.byName.keySet());
	}

	/**
	 * Brings the derived lists up to date. Placing one pod changes one node: its clone
	 * replaces the old one in place, and the lists are refiltered only when affinity or
	 * images are involved, so the common cycle costs no sort.
	 */
	public void rebuildLists() {
		if (!this.structureChanged) {
			if (this.affinityChanged) {
				this.withAffinity = this.nodes.stream().filter((n) -> !n.podsWithAffinity().isEmpty()).toList();
				this.withRequiredAntiAffinity = this.nodes.stream()
					.filter((n) -> !n.podsWithRequiredAntiAffinity().isEmpty())
					.toList();
			}
			if (this.imagesChanged) {
				this.imageNodeCounts = countImages(this.nodes);
			}
			this.affinityChanged = false;
			this.imagesChanged = false;
			return;
		}
		List<NodeInfo> all = new ArrayList<>();
		List<NodeInfo> affinity = new ArrayList<>();
		List<NodeInfo> anti = new ArrayList<>();
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
		}
		all.sort(java.util.Comparator.comparing(NodeInfo::name));
		this.nodes = all;
		this.positions.clear();
		for (int i = 0; i < all.size(); i++) {
			this.positions.put(all.get(i).name(), i);
		}
		this.withAffinity = affinity;
		this.withRequiredAntiAffinity = anti;
		this.imageNodeCounts = countImages(all);
		this.structureChanged = false;
		this.affinityChanged = false;
		this.imagesChanged = false;
	}

	private static Map<String, Integer> countImages(List<NodeInfo> nodes) {
		Map<String, Integer> images = new HashMap<>();
		for (NodeInfo node : nodes) {
			node.imageSizes().keySet().forEach((image) -> images.merge(image, 1, Integer::sum));
		}
		return images;
	}

}
