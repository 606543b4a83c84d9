package io.stevedore.nodeagent.eviction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.ContainerSummary;
import io.stevedore.nodeagent.runtime.RuntimeLabels;

/**
 * A pod's use as the engine and the node's disk show it: the memory working set from the
 * container's cgroup, the writable layer from the engine plus the pod's emptyDir volumes
 * (shared by its containers: counted once, on the first container) for the disk. Docker
 * reports no process count per container here, so for pids every pod uses 0 and the
 * ranking falls to priority.
 */
public final class RuntimePodUsage implements PodUsage {

	private final ContainerRuntime runtime;

	private final String nodeName;

	private final Path podsRoot;

	/**
	 * @param podsRoot where the pods' volume directories are ({@code <root>/pods})
	 */
	public RuntimePodUsage(ContainerRuntime runtime, String nodeName, Path podsRoot) {
		this.runtime = runtime;
		this.nodeName = nodeName;
		this.podsRoot = podsRoot;
	}

	@Override
	public Map<String, Long> of(Pod pod, EvictionSignal signal) {
		String uid = pod.getMetadata().getUid();
		Map<String, Long> used = new HashMap<>();
		long emptyDirs = signal == EvictionSignal.NODEFS_AVAILABLE || signal == EvictionSignal.IMAGEFS_AVAILABLE
				? emptyDirBytes(uid) : 0;
		for (ContainerSummary container : this.runtime
			.listContainers(Map.of(RuntimeLabels.NODE, this.nodeName, RuntimeLabels.POD_UID, uid))) {
			String name = container.labels().get(RuntimeLabels.CONTAINER_NAME);
			if (!container.running() || RuntimeLabels.TYPE_SANDBOX.equals(container.labels().get(RuntimeLabels.TYPE))
					|| name == null) {
				continue;
			}
			long usage = switch (signal) {
				case MEMORY_AVAILABLE -> this.runtime.stats(container.id()).memoryWorkingSetBytes();
				case NODEFS_AVAILABLE, IMAGEFS_AVAILABLE -> this.runtime.writableLayerBytes(container.id());
				case PID_AVAILABLE -> 0;
			};
			if (used.isEmpty()) {
				usage += emptyDirs;
			}
			used.merge(name, usage, Long::sum);
		}
		return used;
	}

	private long emptyDirBytes(String uid) {
		Path dir = this.podsRoot.resolve(uid).resolve("volumes").resolve("kubernetes.io~empty-dir");
		if (!Files.isDirectory(dir)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).mapToLong(RuntimePodUsage::size).sum();
		}
		catch (IOException | UncheckedIOException ex) {
			return 0;
		}
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

}
