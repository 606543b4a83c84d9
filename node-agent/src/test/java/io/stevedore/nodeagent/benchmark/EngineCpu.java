package io.stevedore.nodeagent.benchmark;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time of processes read from /proc, in clock ticks: the container engine's share of
 * a benchmark (dockerd, containerd and its shims, the shims counting the runc processes
 * they reaped) and one process's own. CPU time is what a loaded machine distorts least,
 * next to wall-clock rates.
 */
final class EngineCpu {

	private EngineCpu() {
	}

	/**
	 * The engine's processes now, by pid: user + system time, own and reaped children.
	 */
	static Map<Long, Long> ticks() throws IOException {
		Map<Long, Long> ticks = new HashMap<>();
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path process : processes) {
				String[] fields = fields(process);
				if (fields != null && engine(fields[2])) {
					ticks.put(Long.parseLong(process.getFileName().toString()), sum(fields, 14, 15, 16, 17));
				}
			}
		}
		return ticks;
	}

	/**
	 * The engine's CPU between two readings: a process that appeared in between counts
	 * from zero, one that ended is left out (its time cannot be read any more).
	 */
	static long delta(Map<Long, Long> before, Map<Long, Long> after) {
		long total = 0;
		for (Map.Entry<Long, Long> entry : after.entrySet()) {
			total += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
		}
		return total;
	}

	/** User + system time of one process, its children not included. */
	static long processTicks(long pid) throws IOException {
		String[] fields = fields(Path.of("/proc", Long.toString(pid)));
		return fields == null ? 0 : sum(fields, 14, 15);
	}

	private static boolean engine(String comm) {
		return comm.equals("dockerd") || comm.equals("containerd") || comm.startsWith("containerd-shim");
	}

	/**
	 * /proc/PID/stat split so that index n holds field n of proc(5) (2 the command name,
	 * 14 utime, 15 stime, 16 cutime, 17 cstime); null when the process is gone.
	 */
	private static String[] fields(Path process) throws IOException {
		String stat;
		try {
			stat = Files.readString(process.resolve("stat"));
		}
		catch (java.nio.file.NoSuchFileException ex) {
			return null;
		}
		int open = stat.indexOf('(');
		int close = stat.lastIndexOf(')');
		String[] rest = stat.substring(close + 2).split(" ");
		String[] fields = new String[rest.length + 3];
		fields[1] = stat.substring(0, open).strip();
		fields[2] = stat.substring(open + 1, close);
		System.arraycopy(rest, 0, fields, 3, rest.length);
		return fields;
	}

	private static long sum(String[] fields, int... indexes) {
		long total = 0;
		for (int index : indexes) {
			total += Long.parseLong(fields[index]);
		}
		return total;
	}

}
