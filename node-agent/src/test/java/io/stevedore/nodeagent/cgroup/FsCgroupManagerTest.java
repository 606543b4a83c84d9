package io.stevedore.nodeagent.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class FsCgroupManagerTest {

	private static final String POD = "/stevedore/n1/kubepods/burstable/podu1";

	@TempDir
	Path root;

	@Test
	void v1WritesSharesQuotaAndMemoryIntoTheControllersTrees() {
		FsCgroupManager cgroups = new FsCgroupManager(FakeCgroupFs.v1(this.root));
		cgroups.create(POD, new ResourceConfig(512, 50_000, 100_000, 134_217_728));

		assertThat(cgroups.version()).isEqualTo("v1");
		assertThat(FakeCgroupFs.read(this.root.resolve("cpu" + POD + "/cpu.shares"))).isEqualTo("512");
		assertThat(FakeCgroupFs.read(this.root.resolve("cpu" + POD + "/cpu.cfs_quota_us"))).isEqualTo("50000");
		assertThat(FakeCgroupFs.read(this.root.resolve("cpu" + POD + "/cpu.cfs_period_us"))).isEqualTo("100000");
		assertThat(FakeCgroupFs.read(this.root.resolve("memory" + POD + "/memory.limit_in_bytes")))
			.isEqualTo("134217728");
		assertThat(this.root.resolve("cpuacct" + POD)).isDirectory();
		assertThat(this.root.resolve("pids" + POD)).isDirectory();
		// runc makes it in the other trees when a container starts there
		assertThat(this.root.resolve("blkio" + POD)).doesNotExist();
		assertThat(cgroups.exists(POD)).isTrue();
	}

	@Test
	void aValueOfZeroLeavesTheFileAsTheKernelHasIt() {
		FsCgroupManager cgroups = new FsCgroupManager(FakeCgroupFs.v1(this.root));
		cgroups.create(POD, ResourceConfig.shares(2));

		assertThat(FakeCgroupFs.read(this.root.resolve("cpu" + POD + "/cpu.shares"))).isEqualTo("2");
		assertThat(this.root.resolve("cpu" + POD + "/cpu.cfs_quota_us")).doesNotExist();
		assertThat(this.root.resolve("memory" + POD + "/memory.limit_in_bytes")).doesNotExist();
	}

	@Test
	void v2WritesWeightMaxAndMemoryMaxAndDelegatesTheControllersFromEachParent() {
		FsCgroupManager cgroups = new FsCgroupManager(FakeCgroupFs.v2(this.root));
		cgroups.create(POD, new ResourceConfig(1024, 50_000, 100_000, 134_217_728));

		assertThat(cgroups.version()).isEqualTo("v2");
		assertThat(FakeCgroupFs.read(this.root.resolve(POD.substring(1) + "/cpu.weight"))).isEqualTo("39");
		assertThat(FakeCgroupFs.read(this.root.resolve(POD.substring(1) + "/cpu.max"))).isEqualTo("50000 100000");
		assertThat(FakeCgroupFs.read(this.root.resolve(POD.substring(1) + "/memory.max"))).isEqualTo("134217728");
		assertThat(this.root.resolve("cgroup.subtree_control")).exists();
		assertThat(this.root.resolve("stevedore/n1/kubepods/burstable/cgroup.subtree_control")).exists();
		assertThat(this.root.resolve(POD.substring(1) + "/cgroup.subtree_control")).doesNotExist();
		assertThat(this.root.resolve(POD.substring(1) + "/cpu.shares")).doesNotExist();
	}

	@Test
	void sharesMapOntoWeightAsRuncConvertsThem() {
		assertThat(FsCgroupManager.weight(2)).isEqualTo(1);
		assertThat(FsCgroupManager.weight(1024)).isEqualTo(39);
		assertThat(FsCgroupManager.weight(262_144)).isEqualTo(10_000);
		assertThat(FsCgroupManager.weight(1_000_000)).isEqualTo(10_000);
	}

	@Test
	void removeTakesTheCgroupOutOfEveryTreeRuncMadeItIn() throws Exception {
		FsCgroupManager cgroups = new FsCgroupManager(FakeCgroupFs.v1(this.root));
		cgroups.create(POD, ResourceConfig.shares(2));
		Files.createDirectories(this.root.resolve("blkio" + POD));

		assertThat(cgroups.remove(POD)).isTrue();
		for (String tree : new String[] { "cpu", "cpuacct", "memory", "pids", "blkio" }) {
			assertThat(this.root.resolve(tree + POD)).doesNotExist();
			assertThat(this.root.resolve(tree + "/stevedore/n1/kubepods/burstable")).isDirectory();
		}
	}

	@Test
	void aCgroupStillHoldingAContainerIsNotRemoved() throws Exception {
		FsCgroupManager cgroups = new FsCgroupManager(FakeCgroupFs.v1(this.root));
		cgroups.create(POD, ResourceConfig.shares(2));
		Files.createDirectories(this.root.resolve("memory" + POD + "/abc123"));

		assertThat(cgroups.remove(POD)).isFalse();
		assertThat(cgroups.exists(POD)).isTrue();
		assertThat(cgroups.children(POD)).containsExactly("abc123");
	}

	@Test
	void theWorkingSetIsUsageLessInactiveFileOnEitherVersion() throws Exception {
		FsCgroupManager one = new FsCgroupManager(FakeCgroupFs.v1(Files.createDirectories(this.root.resolve("a"))));
		FsCgroupManager two = new FsCgroupManager(FakeCgroupFs.v2(Files.createDirectories(this.root.resolve("b"))));
		for (FsCgroupManager cgroups : new FsCgroupManager[] { one, two }) {
			cgroups.create("/k", ResourceConfig.none());
		}
		Files.writeString(one.file("memory", "/k", "memory.usage_in_bytes"), "10000\n");
		Files.writeString(one.file("memory", "/k", "memory.stat"), "inactive_file 1\ntotal_inactive_file 4000\n");
		Files.writeString(two.file("memory", "/k", "memory.current"), "10000\n");
		Files.writeString(two.file("memory", "/k", "memory.stat"), "anon 5\ninactive_file 3000\n");

		assertThat(one.memoryWorkingSet("/k")).hasValue(6000);
		assertThat(two.memoryWorkingSet("/k")).hasValue(7000);
		assertThat(two.memoryWorkingSet("/missing")).isEmpty();
	}

	@Test
	void nothingMountedIsTold() {
		assertThat(new FsCgroupManager(this.root).mounted()).isFalse();
		assertThat(new FsCgroupManager(FakeCgroupFs.v1(this.root)).mounted()).isTrue();
	}

}
