package io.stevedore.nodeagent.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.stevedore.nodeagent.runtime.ContainerStats;

/**
 * A Docker container's CPU and memory read from its cgroup files, as cAdvisor reads them
 * for the kubelet. cgroup v2: {@code cpu.stat} usage_usec, {@code memory.current}, and
 * the working set is memory.current minus {@code memory.stat} inactive_file. cgroup v1
 * (still common, this build machine has it): {@code cpuacct.usage} in nanoseconds,
 * {@code memory.usage_in_bytes} minus total_inactive_file. Both the cgroupfs layout
 * ({@code docker/<id>}) and the systemd one ({@code system.slice/docker-<id>.scope}) are
 * tried, and under the container's cgroup parent when it has one (a pod cgroup).
 * <p>
 * Threading: stateless; safe for concurrent use.
 */
final class CgroupStats {

	private final Path root;

	CgroupStats(Path root) {
		this.root = root;
	}

	/**
	 * The container's reading, or null when its cgroup files are not readable here.
	 * @param parent the container's cgroup parent, empty for Docker's default
	 */
	ContainerStats read(String containerId, String parent) {
		for (String relative : candidates(containerId, parent)) {
			try {
				Path v2 = this.root.resolve(relative);
				if (Files.isRegularFile(v2.resolve("cpu.stat"))) {
					return v2(v2);
				}
				Path cpuacct = this.root.resolve("cpuacct").resolve(relative);
				Path memory = this.root.resolve("memory").resolve(relative);
				if (Files.isRegularFile(cpuacct.resolve("cpuacct.usage"))
						&& Files.isRegularFile(memory.resolve("memory.usage_in_bytes"))) {
					return v1(cpuacct, memory);
				}
			}
			catch (IOException | RuntimeException ex) {
				// the container went away between the check and the read: fall back
				return null;
			}
		}
		return null;
	}

	/**
	 * The container's processes (and threads) from the pids controller's
	 * {@code pids.current}, or -1 when not readable here.
	 */
	long processes(String containerId, String parent) {
		for (String relative : candidates(containerId, parent)) {
			for (Path file : List.of(this.root.resolve(relative).resolve("pids.current"),
					this.root.resolve("pids").resolve(relative).resolve("pids.current"))) {
				try {
					if (Files.isRegularFile(file)) {
						// By lines: a cgroup file's size is not what it holds.
						return Long.parseLong(Files.readAllLines(file).get(0).trim());
					}
				}
				catch (IOException | RuntimeException ex) {
					return -1;
				}
			}
		}
		return -1;
	}

	/** Where the cgroupfs driver puts the container, then where the systemd one does. */
	private static List<String> candidates(String containerId, String parent) {
		List<String> docker = List.of("docker/" + containerId, "system.slice/docker-" + containerId + ".scope");
		if (parent == null || parent.isEmpty()) {
			return docker;
		}
		String under = (parent.startsWith("/") ? parent.substring(1) : parent) + "/" + containerId;
		return java.util.stream.Stream.concat(java.util.stream.Stream.of(under), docker.stream()).toList();
	}

	private static ContainerStats v2(Path dir) throws IOException {
		long cpuNanos = statValue(Files.readString(dir.resolve("cpu.stat")), "usage_usec") * 1000;
		long usage = Long.parseLong(Files.readString(dir.resolve("memory.current")).trim());
		long inactive = statValue(Files.readString(dir.resolve("memory.stat")), "inactive_file");
		return new ContainerStats(cpuNanos, workingSet(usage, inactive), usage);
	}

	private static ContainerStats v1(Path cpuacct, Path memory) throws IOException {
		long cpuNanos = Long.parseLong(Files.readString(cpuacct.resolve("cpuacct.usage")).trim());
		long usage = Long.parseLong(Files.readString(memory.resolve("memory.usage_in_bytes")).trim());
		long inactive = statValue(Files.readString(memory.resolve("memory.stat")), "total_inactive_file");
		return new ContainerStats(cpuNanos, workingSet(usage, inactive), usage);
	}

	/** cAdvisor's working set: usage minus inactive file pages, never below zero. */
	static long workingSet(long usage, long inactiveFile) {
		return Math.max(0, usage - inactiveFile);
	}

	/**
	 * The value of one {@code key value} line of a flat-keyed cgroup file (cpu.stat,
	 * memory.stat); 0 when the key is missing.
	 */
	static long statValue(String content, String key) {
		for (String line : content.split("\n")) {
			int space = line.indexOf(' ');
			if (space > 0 && line.substring(0, space).equals(key)) {
				return Long.parseLong(line.substring(space + 1).trim());
			}
		}
		return 0;
	}

}
