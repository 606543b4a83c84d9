package io.stevedore.e2e.stories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

	/**
	 * Story 1's Deployment, as the guide applies it: each pod serves its own name on
	 * :8080 with busybox's httpd, so a client can tell which pod answered, and a
	 * readinessProbe says when it does (without one a new pod counts as ready before its
	 * server listens, and story 4's rollout would send it connections too early, as
	 * Kubernetes would). The probe's timeout is generous: on a loaded machine 1 s makes
	 * ready pods flap. No lifecycle hook. The shell stays PID 1 and exits on SIGTERM:
	 * httpd as PID 1 would ignore it, and each scale-down and rollout would wait out the
	 * 30 s grace period.
	 */
	static final String WEB_DEPLOYMENT = """
			apiVersion: apps/v1
			kind: Deployment
			metadata:
			  name: web
			  labels: {app: web}
			spec:
			  replicas: 3
			  selector:
			    matchLabels: {app: web}
			  template:
			    metadata:
			      labels: {app: web}
			    spec:
			      containers:
			      - name: busybox
			        image: stevedore-test/busybox:1
			        command: [sh, -c, "mkdir -p /www; hostname > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait $!"]
			        ports:
			        - containerPort: 8080
			        readinessProbe:
			          httpGet: {path: /, port: 8080}
			          periodSeconds: 2
			          timeoutSeconds: 5
			""";

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
		if (up.exitCode() != 0) {
			// The test class gets no cluster to tear down: stop what up started here, or
			// its processes, loopback address and rules outlive the run.
			stevedore.run("down", "--purge");
		}
		assertThat(up.exitCode()).as(up.toString()).isZero();
		Kubectl kubectl = Kubectl.forKubeconfig(temp.resolve("home/.kube/config"), temp.resolve("home"))
			.withTimeout(WAIT.plusSeconds(30));
		return new StoryCluster(stevedore, kubectl);
	}

	/**
	 * The same cluster seen through a kubeconfig of its own in {@code dir} whose context
	 * defaults to {@code namespace}, created here: a class sharing the cluster runs its
	 * kubectl commands unchanged, in its own namespace.
	 */
	StoryCluster inNamespace(String namespace, Path dir) {
		ok("create", "namespace", namespace);
		Path kubeconfig = dir.resolve("kubeconfig-" + namespace);
		try {
			Files.copy(this.kubectl.kubeconfig(), kubeconfig, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		StoryCluster scoped = new StoryCluster(this.stevedore,
				Kubectl.forKubeconfig(kubeconfig, this.kubectl.home()).withTimeout(WAIT.plusSeconds(30)));
		scoped.ok("config", "set-context", "--current", "--namespace=" + namespace);
		return scoped;
	}

	/**
	 * Deletes {@code namespace} and waits until it is gone, so the next class sharing the
	 * cluster starts on one that is not still terminating pods.
	 */
	void deleteNamespace(String namespace) {
		ok("delete", "namespace", namespace, "--wait=true", "--timeout=" + WAIT.toSeconds() + "s");
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
