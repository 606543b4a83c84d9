package io.stevedore.nodeagent.eviction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's memory, for thresholds the eviction ITs set just below it. */
final class MachineMemory {

	private MachineMemory() {
	}

	/** MemAvailable of /proc/meminfo, in bytes. */
	static long availableBytes() throws IOException {
		String line = Files.readAllLines(Path.of("/proc/meminfo"))
			.stream()
			.filter(l -> l.startsWith("MemAvailable:"))
			.findFirst()
			.orElseThrow();
		return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
	}

}
