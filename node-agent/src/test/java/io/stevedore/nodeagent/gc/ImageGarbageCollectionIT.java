package io.stevedore.nodeagent.gc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.stevedore.client.clock.FakeClock;
import io.stevedore.nodeagent.runtime.docker.DockerContainerRuntime;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Image garbage collection on the real Docker engine and its real data root. Every image
 * but the two this test builds is pinned, so the collection (told the disk is past any
 * threshold) can touch nothing else of this machine: the one no container uses goes, the
 * one a stopped container was made from stays, and the shortfall is an event.
 */
class ImageGarbageCollectionIT {

	private final String tag = "stevedore-test/gc-" + UUID.randomUUID().toString().substring(0, 8);

	@TempDir
	Path dir;

	@AfterEach
	void cleanUp() {
		Docker.tryRun("rm", "-f", this.tag.replace('/', '-'));
		Docker.tryRun("rmi", this.tag + ":unused", this.tag + ":used");
	}

	@Test
	void theUnusedImageGoesAndTheOneAContainerUsesStays() throws Exception {
		build("unused");
		build("used");
		Docker.run("create", "--name", this.tag.replace('/', '-'), this.tag + ":used", "true");
		FakeClock clock = new FakeClock();
		List<String> events = new ArrayList<>();
		try (DockerContainerRuntime runtime = new DockerContainerRuntime("unix:///var/run/docker.sock", "gc-it",
				Duration.ofSeconds(30))) {
			Path root = runtime.dataRoot().orElseThrow();
			DiskUsage.Usage usage = DiskUsage.of(root).usage();
			assertThat(usage.capacityBytes()).isPositive();
			assertThat(usage.percentUsed()).isBetween(0, 100);
			ImageGarbageCollector gc = new ImageGarbageCollector(runtime,
					new ImageGcPolicy(1, 0, Duration.ofMinutes(2), Duration.ZERO, Duration.ofMinutes(5)),
					() -> new DiskUsage.Usage(usage.capacityBytes(), 0),
					image -> image.names().stream().noneMatch(name -> name.startsWith(this.tag + ":")),
					(type, reason, message) -> events.add(type + " " + reason), clock);
			gc.collect();
			assertThat(images()).contains(this.tag + ":unused", this.tag + ":used");

			clock.advance(Duration.ofMinutes(3));
			ImageGarbageCollector.Outcome outcome = gc.collect();

			assertThat(outcome.removed()).singleElement()
				.satisfies(image -> assertThat(image.names()).contains(this.tag + ":unused"));
			assertThat(images()).doesNotContain(this.tag + ":unused").contains(this.tag + ":used");
			assertThat(Docker.tryRun("image", "inspect", TestImages.BUSYBOX).exitCode()).isZero();
			assertThat(events).contains("Warning FreeDiskSpaceFailed");
		}
	}

	private void build(String version) throws Exception {
		Path context = Files.createDirectories(this.dir.resolve(version));
		// A label of its own: a distinct image id, its layers shared with busybox.
		Files.writeString(context.resolve("Dockerfile"),
				"FROM " + TestImages.busybox() + "\nLABEL gc-test=\"" + this.tag + ":" + version + "\"\n");
		Docker.run("build", "-q", "-t", this.tag + ":" + version, context.toString());
	}

	private List<String> images() {
		return List.of(Docker.run("images", "--format", "{{.Repository}}:{{.Tag}}", this.tag).split("\n"));
	}

}
