package io.stevedore.nodeagent.eviction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import io.stevedore.nodeagent.gc.DiskUsage;
import io.stevedore.nodeagent.stats.HostReadings;

/**
 * The signals of the host this agent runs on, read from /proc and the file systems:
 * memory.available is MemAvailable of /proc/meminfo (the kernel's estimate of what can be
 * had without swapping; the kubelet derives it from the root cgroup's working set),
 * nodefs the agent's root directory's file system, imagefs the engine's (bytes, and
 * inodes where the file system counts them), pid.available pid_max less the processes
 * /proc/loadavg counts. A signal that cannot be read is left out, so its threshold is not
 * met.
 */
public final class HostSignals implements NodeSignals {

	private final Path proc;

	private final DiskUsage nodefs;

	private final DiskUsage imagefs;

	/**
	 * @param proc the proc file system ({@code /proc}; a directory laid out alike in
	 * tests)
	 */
	public HostSignals(Path proc, DiskUsage nodefs, DiskUsage imagefs) {
		this.proc = proc;
		this.nodefs = nodefs;
		this.imagefs = imagefs;
	}

	@Override
	public Map<EvictionSignal, Observation> observe() {
		Map<EvictionSignal, Observation> observed = new EnumMap<>(EvictionSignal.class);
		memory(observed);
		disk(observed, EvictionSignal.NODEFS_AVAILABLE, EvictionSignal.NODEFS_INODES_FREE, this.nodefs);
		disk(observed, EvictionSignal.IMAGEFS_AVAILABLE, EvictionSignal.IMAGEFS_INODES_FREE, this.imagefs);
		pids(observed);
		return observed;
	}

	private void memory(Map<EvictionSignal, Observation> observed) {
		try {
			String meminfo = String.join("\n", Files.readAllLines(this.proc.resolve("meminfo")));
			long total = HostReadings.meminfoBytes(meminfo, "MemTotal");
			long available = HostReadings.meminfoBytes(meminfo, "MemAvailable");
			if (total > 0 && available >= 0) {
				observed.put(EvictionSignal.MEMORY_AVAILABLE, new Observation(available, total));
			}
		}
		catch (IOException | RuntimeException ex) {
			// unreadable: not observed
		}
	}

	private static void disk(Map<EvictionSignal, Observation> observed, EvictionSignal bytes, EvictionSignal inodes,
			DiskUsage disk) {
		try {
			DiskUsage.Usage usage = disk.usage();
			observed.put(bytes, new Observation(usage.availableBytes(), usage.capacityBytes()));
			if (usage.inodes() > 0) {
				observed.put(inodes, new Observation(usage.inodesFree(), usage.inodes()));
			}
		}
		catch (RuntimeException ex) {
			// unreadable: not observed
		}
	}

	private String firstLine(String file) throws IOException {
		return Files.readAllLines(this.proc.resolve(file)).get(0).strip();
	}

	private void pids(Map<EvictionSignal, Observation> observed) {
		try {
			// Read by lines: JDK 25's Files.readString returns a /proc file cut short
			// (its
			// size reads as 0 or 4096, not what it holds).
			long max = Long.parseLong(firstLine("sys/kernel/pid_max"));
			// "0.20 0.18 0.12 1/80 11206": running/total scheduling entities.
			String[] loadavg = firstLine("loadavg").split("\\s+");
			long running = Long.parseLong(loadavg[3].substring(loadavg[3].indexOf('/') + 1));
			observed.put(EvictionSignal.PID_AVAILABLE, new Observation(max - running, max));
		}
		catch (IOException | RuntimeException ex) {
			// unreadable: not observed
		}
	}

}
