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
 * (shared by its containers: counted once, on the first container) for the disk, and the
 * files (inodes) of both for the inode signals, the layer's where this host can read it,
 * and the processes of the container's cgroup for pids.
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
		long emptyDirs = switch (signal) {
			case NODEFS_AVAILABLE, IMAGEFS_AVAILABLE -> walk(emptyDirs(uid))[0];
			case NODEFS_INODES_FREE, IMAGEFS_INODES_FREE -> walk(emptyDirs(uid))[1];
			default -> 0;
		};
		for (ContainerSummary container : this.runtime
			.listContainers(Map.of(RuntimeLabels.NODE, this.nodeName, RuntimeLabels.POD_UID, uid))) {
			String name = container.labels().get(RuntimeLabels.CONTAINER_NAME);
			if (!container.running() || RuntimeLabels.TYPE_SANDBOX.equals(container.labels().get(RuntimeLabels.TYPE))
					|| name == null) {
				continue;
			}
			long usage = switch (signal) {
				case MEMORY_AVAILABLE, ALLOCATABLE_MEMORY_AVAILABLE ->
					this.runtime.stats(container.id()).memoryWorkingSetBytes();
				case NODEFS_AVAILABLE, IMAGEFS_AVAILABLE -> this.runtime.writableLayerBytes(container.id());
				case NODEFS_INODES_FREE, IMAGEFS_INODES_FREE ->
					this.runtime.writableLayerDir(container.id()).map(dir -> walk(dir)[1]).orElse(0L);
				case PID_AVAILABLE -> this.runtime.processes(container.id());
			};
			if (used.isEmpty()) {
				usage += emptyDirs;
			}
			used.merge(name, usage, Long::sum);
		}
		return used;
	}

	private Path emptyDirs(String uid) {
		return this.podsRoot.resolve(uid).resolve("volumes").resolve("kubernetes.io~empty-dir");
	}

	/**
	 * @return {bytes, files} under the directory; zeros when it cannot be read
	 */
	private static long[] walk(Path dir) {
		if (!Files.isDirectory(dir)) {
			return new long[2];
		}
		long[] total = new long[2];
		try (Stream<Path> files = Files.walk(dir)) {
			files.forEach(file -> {
				total[1]++;
				if (Files.isRegularFile(file)) {
					total[0] += size(file);
				}
			});
			return total;
		}
		catch (IOException | UncheckedIOException ex) {
			return new long[2];
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
