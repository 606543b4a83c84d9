package io.stevedore.e2e.stories;

import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.e2e.launcher.FreePorts;
import io.stevedore.e2e.launcher.StevedoreCommand;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;

import static io.stevedore.e2e.support.KubectlAssertions.cleanOutput;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./stevedore up --nodes 3} in a test's own state and home directories, with
 * kubectl as the guide's reader has it (the merged {@code ~/.kube/config}, current
 * context stevedore), and the busybox test image tagged as the "new versions" the stories
 * roll to.
 */
record StoryCluster(StevedoreCommand stevedore, Kubectl kubectl) {

	static final Duration WAIT = Duration.ofMinutes(4);

	static StoryCluster up(Path temp, String... extraTags) {
		return up(temp, 3, extraTags);
	}

	/**
	 * As {@link #up(Path, String...)} with {@code nodes} nodes: one is cheaper when the
	 * stories need no spread.
	 */
	static StoryCluster up(Path temp, int nodes, String... extraTags) {
		String image = TestImages.busybox();
		for (String tag : extraTags) {
			Docker.run("tag", image, tag);
		}
		StevedoreCommand stevedore = StevedoreCommand.of(temp.resolve("state"), temp.resolve("home"), FreePorts.next());
		StevedoreCommand.Result up = stevedore.run("up", "--nodes", Integer.toString(nodes));
		assertThat(up.exitCode()).as(up.toString()).isZero();
		Kubectl kubectl = Kubectl.forKubeconfig(temp.resolve("home/.kube/config"), temp.resolve("home"))
			.withTimeout(WAIT.plusSeconds(30));
		return new StoryCluster(stevedore, kubectl);
	}

	void down() {
		StevedoreCommand.Result down = this.stevedore.run("down", "--purge");
		assertThat(down.exitCode()).as(down.toString()).isZero();
	}

	void ok(String... args) {
		KubectlResult result = this.kubectl.run(args);
		assertThat(result.exitCode()).as(result.describe()).isZero();
	}

	String out(String... args) {
		return cleanOutput(this.kubectl.run(args));
	}

}
