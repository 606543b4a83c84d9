package io.stevedore.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the benchmarks print next to their figures: the machine, its load average, and a
 * process's memory and CPU time from /proc. The machine is shared, so a figure without
 * the load it was taken at cannot be compared with another.
 */
final class Machine {

	private Machine() {
	}

	/** Cores, JDK and OS of the benchmark's JVM (the services run on the same JDK). */
	static String line() {
		return String.format("machine: %d cores, java %s, %s", Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), System.getProperty("os.name"));
	}

	/** /proc/loadavg as it is: 1, 5 and 15 minute averages, runnable/total, last pid. */
	static String loadAverage() throws IOException {
		return Files.readString(Path.of("/proc/loadavg")).trim();
	}

	/** The 1-minute load average alone. */
	static String loadAverage1() throws IOException {
		return loadAverage().split(" ")[0];
	}

	/** Resident set size in bytes (VmRSS of /proc/PID/status), -1 when not shown. */
	static long residentBytes(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		return -1;
	}

	/**
	 * utime + stime from /proc/PID/stat in clock ticks (USER_HZ, 100 a second on Linux):
	 * the CPU a process used, whatever the load made its wall-clock time.
	 */
	static long cpuTicks(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	static long cpuSeconds(long pid) throws IOException {
		return cpuTicks(pid) / 100;
	}

}
