package io.stevedore.proxy.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * User and system CPU time (in ticks of 1/100 s) of threads of this JVM or of a process
 * tree, read from /proc. A proxy's CPU time per request depends much less on what else a
 * shared machine runs than its requests per second do.
 */
public final class CpuTicks {

	private CpuTicks() {
	}

	/**
	 * Ticks (user, system) of this JVM's threads whose name (/proc's {@code comm}, the
	 * first 15 characters of the Java name) {@code comm} accepts.
	 */
	public static long[] threads(Predicate<String> comm) {
		long[] sum = new long[2];
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : tasks.toList()) {
				try {
					if (comm.test(Files.readString(task.resolve("comm")).trim())) {
						add(sum, Files.readString(task.resolve("stat")));
					}
				}
				catch (IOException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException ex) {
			return new long[] { -1, -1 };
		}
		return sum;
	}

	/** Ticks (user, system) of process {@code pid} and its children. */
	public static long[] processTree(long pid) {
		long[] sum = new long[2];
		try (var procs = Files.list(Path.of("/proc"))) {
			for (Path proc : procs.toList()) {
				if (!proc.getFileName().toString().matches("\\d+")) {
					continue;
				}
				try {
					String stat = Files.readString(proc.resolve("stat"));
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					long self = Long.parseLong(proc.getFileName().toString());
					if (self == pid || Long.parseLong(fields[1]) == pid) {
						add(sum, stat);
					}
				}
				catch (IOException | RuntimeException ex) {
					// gone meanwhile
				}
			}
		}
		catch (IOException ex) {
			return new long[] { -1, -1 };
		}
		return sum;
	}

	/**
	 * "CPU x us/request (user y, system z)" for the ticks spent between {@code before}
	 * and {@code after} over {@code requests}: user is the proxy's own code, system the
	 * kernel's socket work it asks for.
	 */
	public static String perRequest(long[] before, long[] after, long requests) {
		long user = after[0] - before[0];
		long system = after[1] - before[1];
		double perTick = (requests > 0) ? 10_000.0 / requests : Double.NaN;
		return String.format("CPU %.1f us/request (user %.1f, system %.1f)", (user + system) * perTick, user * perTick,
				system * perTick);
	}

	/** Adds utime and stime of a /proc stat line to {@code sum}. */
	private static void add(long[] sum, String stat) {
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		sum[0] += Long.parseLong(fields[11]);
		sum[1] += Long.parseLong(fields[12]);
	}

}
