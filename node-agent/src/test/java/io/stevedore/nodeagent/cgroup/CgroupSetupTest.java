package io.stevedore.nodeagent.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stevedore.nodeagent.runtime.RuntimeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Where pod cgroups cannot be had, pods run as before and the Node says why. */
class CgroupSetupTest {

	private static final String ROOT = "/stevedore/n1/kubepods";

	@TempDir
	Path root;

	private final List<String> events = new ArrayList<>();

	private PodCgroupManager enforce(Path mount, RuntimeInfo engine) {
		return CgroupSetup.enforce(new FsCgroupManager(mount), ROOT, engine, Map.of(), List::of,
				(type, reason, message) -> this.events.add(type + " " + reason + " " + message));
	}

	@Test
	void anEngineOnTheSystemdDriverLeavesPodsWithoutCgroups() {
		RuntimeInfo systemd = new RuntimeInfo("docker", "26", "Debian", "6.1", "linux", "amd64", 2, 1 << 30, "systemd");
		assertThat(enforce(FakeCgroupFs.v1(this.root), systemd)).isNull();
		assertThat(this.root.resolve("memory/stevedore")).doesNotExist();
		assertThat(this.events).singleElement()
			.asString()
			.startsWith("Warning FailedNodeAllocatableEnforcement Pods run without pod cgroups")
			.contains("systemd");
	}

	@Test
	void noCgroupFileSystemLeavesPodsWithoutCgroups() {
		assertThat(enforce(this.root, PodCgroupManagerTest.ENGINE)).isNull();
		assertThat(this.events).singleElement().asString().contains("no cgroup file system");
	}

	@Test
	void aCgroupFileSystemThatRefusesTheRootLeavesPodsWithoutCgroups() throws Exception {
		FakeCgroupFs.v1(this.root);
		// what a read-only mount answers, as far as creating the root goes
		Files.writeString(this.root.resolve("cpu/stevedore"), "");
		assertThat(enforce(this.root, PodCgroupManagerTest.ENGINE)).isNull();
		assertThat(this.events).singleElement().asString().contains("refused the node's cgroups");
	}

	@Test
	void anEngineThatDoesNotSayItsDriverIsTakenForCgroupfs() {
		RuntimeInfo unsaid = new RuntimeInfo("docker", "26", "Debian", "6.1", "linux", "amd64", 2, 1 << 30);
		assertThat(enforce(FakeCgroupFs.v1(this.root), unsaid)).isNotNull();
		assertThat(this.events).singleElement().asString().startsWith("Normal NodeAllocatableEnforced");
	}

}
