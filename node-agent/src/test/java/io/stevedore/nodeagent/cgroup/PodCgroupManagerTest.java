package io.stevedore.nodeagent.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stevedore.nodeagent.node.NodeAllocatable;
import io.stevedore.nodeagent.runtime.RuntimeInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.nodeagent.cgroup.PodResourceConfigTest.container;
import static io.stevedore.nodeagent.cgroup.PodResourceConfigTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

class PodCgroupManagerTest {

	private static final String ROOT = "/stevedore/n1/kubepods";

	private static final long GI = 1024L * 1024 * 1024;

	static final RuntimeInfo ENGINE = new RuntimeInfo("docker", "26.1.5", "Debian", "6.1", "linux", "amd64", 4, 8 * GI,
			"cgroupfs");

	@TempDir
	Path root;

	private final List<Pod> pods = new ArrayList<>();

	private final List<String> events = new ArrayList<>();

	private PodCgroupManager manager;

	@BeforeEach
	void setUp() {
		this.manager = CgroupSetup.enforce(new FsCgroupManager(FakeCgroupFs.v1(this.root)), ROOT, ENGINE,
				NodeAllocatable.parseReserved("reserved", "cpu=500m,memory=1Gi"), () -> List.copyOf(this.pods),
				(type, reason, message) -> this.events.add(type + " " + reason + " " + message));
	}

	private String cpu(String path, String file) {
		return FakeCgroupFs.read(this.root.resolve("cpu" + path).resolve(file));
	}

	private String memoryLimit(String path) {
		return FakeCgroupFs.read(this.root.resolve("memory" + path).resolve("memory.limit_in_bytes"));
	}

	@Test
	void theRootHoldsNodeAllocatableAndTheQosClassesSitUnderIt() {
		assertThat(cpu(ROOT, "cpu.shares")).isEqualTo("3584");
		assertThat(memoryLimit(ROOT)).isEqualTo(Long.toString(7 * GI));
		assertThat(cpu(ROOT + "/besteffort", "cpu.shares")).isEqualTo("2");
		assertThat(this.root.resolve("memory" + ROOT + "/burstable")).isDirectory();
		assertThat(this.events)
			.containsExactly("Normal NodeAllocatableEnforced Updated Node Allocatable limit across pods");
		assertThat(this.manager.allocatableMemoryBytes()).isEqualTo(7 * GI);
	}

	@Test
	void eachPodGoesUnderItsQosClassWithItsOwnLimits() {
		Map<String, String> g = Map.of("cpu", "250m", "memory", "64Mi");
		Pod guaranteed = add(pod("g1", container("a", g, g), container("b", g, g)));
		Pod burstable = add(pod("b1", container("a", Map.of("cpu", "100m"), Map.of())));
		Pod bestEffort = add(pod("e1", container("a", Map.of(), Map.of())));

		assertThat(this.manager.ensure(guaranteed)).isEqualTo(ROOT + "/podg1");
		assertThat(this.manager.ensure(burstable)).isEqualTo(ROOT + "/burstable/podb1");
		assertThat(this.manager.ensure(bestEffort)).isEqualTo(ROOT + "/besteffort/pode1");

		assertThat(memoryLimit(ROOT + "/podg1")).isEqualTo(Long.toString(128L * 1024 * 1024));
		assertThat(cpu(ROOT + "/podg1", "cpu.shares")).isEqualTo("512");
		assertThat(cpu(ROOT + "/podg1", "cpu.cfs_quota_us")).isEqualTo("50000");
		assertThat(cpu(ROOT + "/burstable/podb1", "cpu.shares")).isEqualTo("102");
		assertThat(memoryLimit(ROOT + "/burstable/podb1")).isNull();
		assertThat(cpu(ROOT + "/besteffort/pode1", "cpu.shares")).isEqualTo("2");
	}

	@Test
	void burstableSharesFollowTheBurstablePodsRequestsAsTheyComeAndGo() {
		Pod first = add(pod("b1", container("a", Map.of("cpu", "100m"), Map.of())));
		this.manager.ensure(first);
		assertThat(cpu(ROOT + "/burstable", "cpu.shares")).isEqualTo("102");

		Pod second = add(pod("b2", container("a", Map.of("cpu", "300m"), Map.of("cpu", "1"))));
		this.manager.ensure(second);
		assertThat(cpu(ROOT + "/burstable", "cpu.shares")).isEqualTo("409");

		// a Guaranteed pod does not count
		Map<String, String> g = Map.of("cpu", "1", "memory", "64Mi");
		this.manager.ensure(add(pod("g1", container("a", g, g))));
		assertThat(cpu(ROOT + "/burstable", "cpu.shares")).isEqualTo("409");

		this.manager.removed("b1");
		assertThat(this.root.resolve("cpu" + ROOT + "/burstable/podb1")).doesNotExist();
		assertThat(this.root.resolve("memory" + ROOT + "/burstable/podb1")).doesNotExist();
		assertThat(cpu(ROOT + "/burstable", "cpu.shares")).isEqualTo("307");
	}

	@Test
	void aPodAlreadyInTheCacheIsCountedOnce() {
		Pod pod = add(pod("b1", container("a", Map.of("cpu", "100m"), Map.of())));
		this.manager.ensure(pod);
		this.manager.ensure(pod);
		assertThat(cpu(ROOT + "/burstable", "cpu.shares")).isEqualTo("102");
	}

	@Test
	void orphanedPodCgroupsGoButOnesOfKnownPodsAndOnesStillHoldingAContainerStay() throws Exception {
		Pod known = add(pod("k1", container("a", Map.of("cpu", "100m"), Map.of())));
		this.manager.ensure(known);
		Pod gone = pod("o1", container("a", Map.of(), Map.of()));
		this.manager.ensure(gone);
		Map<String, String> g = Map.of("cpu", "1", "memory", "64Mi");
		Pod busy = pod("o2", container("a", g, g));
		this.manager.ensure(busy);
		Files.createDirectories(this.root.resolve("memory" + ROOT + "/podo2/container1"));

		this.manager.removeOrphans();

		assertThat(this.root.resolve("memory" + ROOT + "/burstable/podk1")).isDirectory();
		assertThat(this.root.resolve("memory" + ROOT + "/besteffort/podo1")).doesNotExist();
		assertThat(this.root.resolve("memory" + ROOT + "/podo2")).isDirectory();
		assertThat(this.root.resolve("memory" + ROOT + "/burstable")).isDirectory();
		assertThat(this.root.resolve("memory" + ROOT + "/besteffort")).isDirectory();
	}

	@Test
	void finishedPodsDoNotCountForTheQosShares() {
		Pod done = add(new PodBuilder(pod("b1", container("a", Map.of("cpu", "500m"), Map.of()))).withNewStatus()
			.withPhase("Succeeded")
			.endStatus()
			.build());
		this.manager.ensure(add(pod("b2", container("a", Map.of("cpu", "100m"), Map.of()))));
		assertThat(done.getStatus().getPhase()).isEqualTo("Succeeded");
		assertThat(cpu(ROOT + "/burstable", "cpu.shares")).isEqualTo("102");
	}

	@Test
	void thePodsWorkingSetIsTheRootCgroups() throws Exception {
		Files.writeString(this.root.resolve("memory" + ROOT + "/memory.usage_in_bytes"), "5000\n");
		Files.writeString(this.root.resolve("memory" + ROOT + "/memory.stat"), "total_inactive_file 1000\n");
		assertThat(this.manager.podsWorkingSet()).hasValue(4000);
	}

	private Pod add(Pod pod) {
		this.pods.add(pod);
		return pod;
	}

}
