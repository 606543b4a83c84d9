package io.stevedore.nodeagent.runtime.docker;

import java.nio.file.Files;
import java.nio.file.Path;

import io.stevedore.nodeagent.runtime.ContainerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupStatsTest {

	@TempDir
	Path root;

	@Test
	void cgroupV2UsesUsageUsecAndMemoryCurrentMinusInactiveFile() throws Exception {
		Path dir = Files.createDirectories(this.root.resolve("system.slice/docker-abc.scope"));
		Files.writeString(dir.resolve("cpu.stat"), "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
		Files.writeString(dir.resolve("memory.current"), "104857600\n");
		Files.writeString(dir.resolve("memory.stat"),
				"anon 50000000\nfile 54857600\nactive_file 4857600\n" + "inactive_file 41943040\n");

		ContainerStats stats = new CgroupStats(this.root).read("abc", "");

		assertThat(stats).isEqualTo(new ContainerStats(2_500_000_000L, 62_914_560L, 104_857_600L));
	}

	@Test
	void cgroupV1UsesCpuacctUsageAndUsageInBytesMinusTotalInactiveFile() throws Exception {
		v1("docker/abc", "123456789", "10000", "inactive_file 1\ntotal_inactive_file 4000\n");

		assertThat(new CgroupStats(this.root).read("abc", "")).isEqualTo(new ContainerStats(123_456_789L, 6000, 10000));
	}

	/** A v1 container cgroup's cpuacct and memory files. */
	private void v1(String relative, String cpuNanos, String usage, String stat) throws Exception {
		Files.writeString(
				Files.createDirectories(this.root.resolve("cpuacct").resolve(relative)).resolve("cpuacct.usage"),
				cpuNanos + "\n");
		Path memory = Files.createDirectories(this.root.resolve("memory").resolve(relative));
		Files.writeString(memory.resolve("memory.usage_in_bytes"), usage + "\n");
		Files.writeString(memory.resolve("memory.stat"), stat);
	}

	@Test
	void processesComeFromPidsCurrentInEitherLayout() throws Exception {
		Path v1 = Files.createDirectories(this.root.resolve("pids/docker/abc"));
		Files.writeString(v1.resolve("pids.current"), "7\n");
		Path v2 = Files.createDirectories(this.root.resolve("system.slice/docker-def.scope"));
		Files.writeString(v2.resolve("pids.current"), "12\n");

		CgroupStats cgroups = new CgroupStats(this.root);
		assertThat(cgroups.processes("abc", "")).isEqualTo(7);
		assertThat(cgroups.processes("def", "")).isEqualTo(12);
		assertThat(cgroups.processes("missing", "")).isEqualTo(-1);
	}

	@Test
	void aContainerUnderAPodCgroupIsReadFromThere() throws Exception {
		v1("stevedore/n1/kubepods/podu1/abc", "5", "300", "total_inactive_file 100\n");
		Files.writeString(Files.createDirectories(this.root.resolve("pids/stevedore/n1/kubepods/podu1/abc"))
			.resolve("pids.current"), "3\n");

		CgroupStats cgroups = new CgroupStats(this.root);
		assertThat(cgroups.read("abc", "/stevedore/n1/kubepods/podu1")).isEqualTo(new ContainerStats(5, 200, 300));
		assertThat(cgroups.processes("abc", "/stevedore/n1/kubepods/podu1")).isEqualTo(3);
		assertThat(cgroups.read("abc", "")).isNull();
	}

	@Test
	void aContainerWithoutReadableCgroupFilesHasNoReadingSoDockerIsAsked() {
		assertThat(new CgroupStats(this.root).read("missing", "")).isNull();
	}

	@Test
	void theWorkingSetNeverGoesBelowZero() {
		assertThat(CgroupStats.workingSet(100, 400)).isZero();
	}

	@Test
	void aMissingKeyInAFlatKeyedFileReadsAsZero() {
		assertThat(CgroupStats.statValue("anon 5\n", "inactive_file")).isZero();
		assertThat(CgroupStats.statValue("inactive_filex 7\ninactive_file 9\n", "inactive_file")).isEqualTo(9);
	}

}
