package io.stevedore.nodeagent.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The machine's CPU and memory from /proc, as the kubelet's node figures: CPU time is
 * every non-idle jiffy of the {@code cpu} line of /proc/stat (user, nice, system, irq,
 * softirq, steal; USER_HZ is 100 on Linux), memory in use is MemTotal minus MemFree, the
 * working set MemTotal minus MemAvailable (what the kernel could not hand out without
 * swapping, close to cAdvisor's root cgroup figure).
 * <p>
 * Threading: stateless; safe for concurrent use.
 */
public final class HostReadings {

	private static final long NANOS_PER_JIFFY = 10_000_000L;

	private final Path proc;

	public HostReadings(Path proc) {
		this.proc = proc;
	}

	/** A sample of the machine, or null when /proc is not readable. */
	public Sample read(Instant now) {
		try {
			long cpu = cpuNanos(Files.readString(this.proc.resolve("stat")));
			String meminfo = Files.readString(this.proc.resolve("meminfo"));
			long total = meminfoBytes(meminfo, "MemTotal");
			long free = meminfoBytes(meminfo, "MemFree");
			long available = meminfoBytes(meminfo, "MemAvailable");
			return new Sample(now, cpu, Math.max(0, total - available), Math.max(0, total - free));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** Boot time from /proc/stat's btime, the node's startTime. */
	public Instant bootTime() {
		try {
			for (String line : Files.readAllLines(this.proc.resolve("stat"))) {
				if (line.startsWith("btime ")) {
					return Instant.ofEpochSecond(Long.parseLong(line.substring(6).trim()));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// fall through
		}
		return Instant.EPOCH;
	}

	static long cpuNanos(String stat) {
		for (String line : stat.split("\n")) {
			if (line.startsWith("cpu ")) {
				String[] f = line.trim().split("\\s+");
				// cpu user nice system idle iowait irq softirq steal guest guest_nice
				long busy = 0;
				for (int i : new int[] { 1, 2, 3, 6, 7, 8 }) {
					if (i < f.length) {
						busy += Long.parseLong(f[i]);
					}
				}
				return busy * NANOS_PER_JIFFY;
			}
		}
		throw new IllegalArgumentException("no cpu line in /proc/stat");
	}

	/** A /proc/meminfo field in bytes. */
	public static long meminfoBytes(String meminfo, String key) {
		for (String line : meminfo.split("\n")) {
			if (line.startsWith(key + ":")) {
				String[] f = line.substring(key.length() + 1).trim().split("\\s+");
				long value = Long.parseLong(f[0]);
				return f.length > 1 && f[1].equalsIgnoreCase("kB") ? value * 1024 : value;
			}
		}
		throw new IllegalArgumentException("no " + key + " in /proc/meminfo");
	}

}
