package io.stevedore.nodeagent.stats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class HostReadingsTest {

	@TempDir
	Path proc;

	@Test
	void nodeCpuIsEveryNonIdleJiffyAndMemoryComesFromMeminfo() throws Exception {
		// user nice system idle iowait irq softirq steal
		Files.writeString(this.proc.resolve("stat"),
				"cpu  100 20 30 5000 70 1 2 3 0 0\ncpu0 50 10 15 2500 35 0 1 1 0 0\nbtime 1764000000\n");
		Files.writeString(this.proc.resolve("meminfo"),
				"MemTotal:       1000 kB\nMemFree:         300 kB\nMemAvailable:    600 kB\n");
		HostReadings host = new HostReadings(this.proc);

		Sample sample = host.read(Instant.EPOCH);

		// (100+20+30+1+2+3) jiffies of 10 ms; idle and iowait do not count
		assertThat(sample.cpuNanos()).isEqualTo(156 * 10_000_000L);
		assertThat(sample.workingSetBytes()).isEqualTo(400 * 1024);
		assertThat(sample.usageBytes()).isEqualTo(700 * 1024);
		assertThat(host.bootTime()).isEqualTo(Instant.ofEpochSecond(1764000000));
	}

	@Test
	void anUnreadableProcGivesNoSample() {
		assertThat(new HostReadings(this.proc.resolve("none")).read(Instant.EPOCH)).isNull();
	}

}
