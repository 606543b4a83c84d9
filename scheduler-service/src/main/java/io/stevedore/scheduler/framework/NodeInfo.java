package io.stevedore.scheduler.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.Taint;

/**
 * A node and the pods placed on it (bound or assumed), with the sums the filters need.
 * Kubernetes' {@code framework.NodeInfo}. The cache owns mutable instances and bumps
 * {@link #generation()} on every change; a cycle reads clones from the snapshot, so a
 * plugin never sees a node change under it.
 */
public final class NodeInfo {

	private final String name;

	private Node node;

	private Resource allocatable = new Resource();

	private Map<String, Long> imageSizes = Map.of();

	/*
	 * spec.unschedulable and spec.taints kept on the NodeInfo itself: the first filters
	 * read them on every node examined, and reaching them through Node and NodeSpec costs
	 * two more cache misses per node.
	 */
	private boolean unschedulable;

	private List<Taint> taints = List.of();

	private final List<PodInfo> pods;

	private final List<PodInfo> podsWithAffinity;

	private final List<PodInfo> podsWithRequiredAntiAffinity;

	private final Resource requested;

	private long nonZeroMilliCpu;

	private long nonZeroMemory;

	private final List<HostPort> usedPorts;

	private long generation;

	/**
	 * One counter for all nodes, as Kubernetes' {@code nextGeneration}: a node removed
	 * and added again never repeats a generation the snapshot already holds.
	 */
	private static final java.util.concurrent.atomic.AtomicLong GENERATIONS = new java.util.concurrent.atomic.AtomicLong();

	private static long nextGeneration() {
		return GENERATIONS.incrementAndGet();
	}

	public NodeInfo(String name) {
		this.name = name;
		this.pods = new ArrayList<>();
		this.podsWithAffinity = new ArrayList<>();
		this.podsWithRequiredAntiAffinity = new ArrayList<>();
		this.requested = new Resource();
		this.usedPorts = new ArrayList<>();
	}

	/** A node with these pods, for tests and the cache. */
	public static NodeInfo of(Node node, PodInfo... pods) {
		NodeInfo info = new NodeInfo(node.getMetadata().getName());
		info.setNode(node);
		for (PodInfo pod : pods) {
			info.addPod(pod);
		}
		return info;
	}

	private NodeInfo(NodeInfo other) {
		this.name = other.name;
		this.node = other.node;
		this.allocatable = other.allocatable;
		this.imageSizes = other.imageSizes;
		this.unschedulable = other.unschedulable;
		this.taints = other.taints;
		this.pods = new ArrayList<>(other.pods);
		this.podsWithAffinity = new ArrayList<>(other.podsWithAffinity);
		this.podsWithRequiredAntiAffinity = new ArrayList<>(other.podsWithRequiredAntiAffinity);
		this.requested = other.requested.copy();
		this.nonZeroMilliCpu = other.nonZeroMilliCpu;
		this.nonZeroMemory = other.nonZeroMemory;
		this.usedPorts = new ArrayList<>(other.usedPorts);
		this.generation = other.generation;
	}

	/**
	 * Sets the node object. A malformed allocatable quantity counts as zero of that
	 * resource (nothing fits) rather than failing the whole cache.
	 */
	public void setNode(Node node) {
		this.node = node;
		Resource allocatable;
		try {
			allocatable = Resource.from(
					node.getStatus() == null ? null : (node.getStatus().getAllocatable() != null
							? node.getStatus().getAllocatable() : node.getStatus().getCapacity()),
					"status.allocatable");
		}
		catch (IllegalArgumentException ex) {
			allocatable = new Resource();
		}
		this.allocatable = allocatable;
		Map<String, Long> images = new HashMap<>();
		if (node.getStatus() != null && node.getStatus().getImages() != null) {
			for (ContainerImage image : node.getStatus().getImages()) {
				long size = image.getSizeBytes() == null ? 0 : image.getSizeBytes();
				if (image.getNames() != null) {
					image.getNames().forEach((imageName) -> images.put(imageName, size));
				}
			}
		}
		this.imageSizes = Map.copyOf(images);
		NodeSpec spec = node.getSpec();
		this.unschedulable = spec != null && Boolean.TRUE.equals(spec.getUnschedulable());
		// A node without taints shares the one empty list: the filter then reads no list
		// of
		// its own (fabric8 gives every Node an empty ArrayList of its own).
		this.taints = (spec == null || spec.getTaints() == null || spec.getTaints().isEmpty()) ? List.of()
				: spec.getTaints();
		this.generation = nextGeneration();
	}

	/** The Node object was deleted while pods still count here. */
	public void clearNode() {
		this.node = null;
		this.unschedulable = false;
		this.taints = List.of();
		this.generation = nextGeneration();
	}

	public void addPod(PodInfo pod) {
		this.pods.add(pod);
		if (pod.hasAffinity()) {
			this.podsWithAffinity.add(pod);
		}
		if (!pod.requiredAntiAffinity().isEmpty()) {
			this.podsWithRequiredAntiAffinity.add(pod);
		}
		this.requested.add(pod.requests());
		this.nonZeroMilliCpu += pod.nonZeroMilliCpu();
		this.nonZeroMemory += pod.nonZeroMemory();
		this.usedPorts.addAll(pod.hostPorts());
		this.generation = nextGeneration();
	}

	/** Removes the pod with this UID; false when it was not here. */
	public boolean removePod(String uid) {
		for (int i = 0; i < this.pods.size(); i++) {
			PodInfo pod = this.pods.get(i);
			if (pod.uid().equals(uid)) {
				this.pods.remove(i);
				this.podsWithAffinity.remove(pod);
				this.podsWithRequiredAntiAffinity.remove(pod);
				this.requested.subtract(pod.requests());
				this.nonZeroMilliCpu -= pod.nonZeroMilliCpu();
				this.nonZeroMemory -= pod.nonZeroMemory();
				for (HostPort port : pod.hostPorts()) {
					this.usedPorts.remove(port);
				}
				this.generation = nextGeneration();
				return true;
			}
		}
		return false;
	}

	public NodeInfo copy() {
		return new NodeInfo(this);
	}

	public String name() {
		return this.name;
	}

	/** The node object; null while only pods bound to a not-yet-seen node are known. */
	public Node node() {
		return this.node;
	}

	public Map<String, String> labels() {
		Map<String, String> labels = this.node == null ? null : this.node.getMetadata().getLabels();
		return labels == null ? Map.of() : labels;
	}

	public Resource allocatable() {
		return this.allocatable;
	}

	public Resource requested() {
		return this.requested;
	}

	public long nonZeroMilliCpu() {
		return this.nonZeroMilliCpu;
	}

	public long nonZeroMemory() {
		return this.nonZeroMemory;
	}

	public List<PodInfo> pods() {
		return this.pods;
	}

	public List<PodInfo> podsWithAffinity() {
		return this.podsWithAffinity;
	}

	public List<PodInfo> podsWithRequiredAntiAffinity() {
		return this.podsWithRequiredAntiAffinity;
	}

	public List<HostPort> usedPorts() {
		return this.usedPorts;
	}

	/** Image name to size in bytes, from {@code status.images}. */
	/** The Node's spec.unschedulable (cordoned). */
	public boolean unschedulable() {
		return this.unschedulable;
	}

	/** The Node's spec.taints, never null. */
	public List<Taint> taints() {
		return this.taints;
	}

	public Map<String, Long> imageSizes() {
		return this.imageSizes;
	}

	public long generation() {
		return this.generation;
	}

	@Override
	public String toString() {
		return this.name + "(" + this.pods.size() + " pods)";
	}

}
