package io.stevedore.nodeagent.eviction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.stevedore.nodeagent.gc.DiskUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's signals from a /proc laid out as the kernel's, and the real one. */
class HostSignalsTest {

	@TempDir
	Path proc;

	@Test
	void memoryAndPidsComeFromProcAndDisksFromTheirFileSystems() throws IOException {
		Files.writeString(this.proc.resolve("meminfo"),
				"MemTotal:       24576000 kB\nMemFree:          100000 kB\nMemAvailable:   20480000 kB\n");
		Files.writeString(this.proc.resolve("loadavg"), "0.20 0.18 0.12 1/80 11206\n");
		Files.createDirectories(this.proc.resolve("sys/kernel"));
		Files.writeString(this.proc.resolve("sys/kernel/pid_max"), "4194304\n");
		HostSignals signals = new HostSignals(this.proc, () -> new DiskUsage.Usage(1000, 400),
				() -> new DiskUsage.Usage(2000, 100, 50, 5));

		Map<EvictionSignal, Observation> observed = signals.observe();

		assertThat(observed)
			.containsEntry(EvictionSignal.MEMORY_AVAILABLE, new Observation(20480000L * 1024, 24576000L * 1024))
			.containsEntry(EvictionSignal.PID_AVAILABLE, new Observation(4194304 - 80, 4194304))
			.containsEntry(EvictionSignal.NODEFS_AVAILABLE, new Observation(400, 1000))
			.containsEntry(EvictionSignal.IMAGEFS_AVAILABLE, new Observation(100, 2000))
			.containsEntry(EvictionSignal.IMAGEFS_INODES_FREE, new Observation(5, 50))
			// A file system that does not count inodes: no inode signal.
			.doesNotContainKey(EvictionSignal.NODEFS_INODES_FREE);
	}

	@Test
	void whatCannotBeReadIsNotObserved() {
		HostSignals signals = new HostSignals(this.proc, () -> new DiskUsage.Usage(1000, 400), () -> {
			throw new IllegalStateException("engine down");
		});
		assertThat(signals.observe()).containsOnlyKeys(EvictionSignal.NODEFS_AVAILABLE);
	}

	@Test
	void thisHostsSignalsAreSane() {
		Map<EvictionSignal, Observation> observed = new HostSignals(Path.of("/proc"), DiskUsage.of(this.proc),
				DiskUsage.of(this.proc))
			.observe();
		// Inodes too: this machine's file systems count them (ext4), read with stat -f.
		// allocatableMemory.available is the pods cgroup's, not the host's.
		assertThat(observed).containsOnlyKeys(
				java.util.EnumSet.complementOf(java.util.EnumSet.of(EvictionSignal.ALLOCATABLE_MEMORY_AVAILABLE)));
		observed.forEach((signal, o) -> assertThat(o.available()).as(signal + " " + o).isBetween(0L, o.capacity()));
	}

}
