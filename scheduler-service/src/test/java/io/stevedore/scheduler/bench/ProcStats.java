package io.stevedore.scheduler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process of this benchmark (this JVM, redis-server,
 * the hollow-node host) from /proc: CPU time is what the work cost, whatever the load
 * made its wall-clock time.
 */
final class ProcStats {

	private ProcStats() {
	}

	/**
	 * utime + stime (fields 14 and 15 of /proc/PID/stat, 100 ticks a second) in
	 * nanoseconds; 0 where there is no /proc.
	 */
	static long cpuNanos(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	/** VmRSS of /proc/PID/status as written there, e.g. "1234567 kB". */
	static String rss(String pid) {
		try {
			return Files.readAllLines(Path.of("/proc", pid, "status"))
				.stream()
				.filter((line) -> line.startsWith("VmRSS:"))
				.map((line) -> line.substring(6).trim())
				.findFirst()
				.orElse("unknown");
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

}
