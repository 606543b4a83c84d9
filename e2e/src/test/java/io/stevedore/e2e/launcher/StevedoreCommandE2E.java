package io.stevedore.e2e.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import static io.stevedore.e2e.support.KubectlAssertions.cleanOutput;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./stevedore} as a user runs it: {@code up} starts the whole cluster (gateway,
 * apiserver, scheduler, controllers, proxy, one node agent) as background processes and
 * points kubectl at the gateway, {@code status} reports every component and node,
 * {@code node ...} manages nodes, {@code down} stops everything and removes the node's
 * containers, and every misuse explains itself. One cluster for the class (started in
 * {@link #up()}); the last test takes it down.
 */
// Whole clusters start and stop here: minutes on a loaded 2-core machine, over the
// suite's default timeout.
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Its own cluster: may run beside the other classes (junit-platform.properties, off).
@Execution(ExecutionMode.CONCURRENT)
class StevedoreCommandE2E {

	@TempDir
	static Path temp;

	static Path stevedoreHome;

	static Path home;

	static int port;

	static StevedoreCommand stevedore;

	static StevedoreCommand.Result firstUp;

	@BeforeAll
	static void up() throws IOException {
		stevedoreHome = temp.resolve("state");
		home = temp.resolve("home");
		port = freePort();
		stevedore = StevedoreCommand.of(stevedoreHome, home, port);
		// A context of another cluster that `up` must keep.
		Files.createDirectories(home.resolve(".kube"));
		Kubectl.forKubeconfig(home.resolve(".kube/config"), home)
			.run("config", "set-cluster", "other", "--server=https://10.0.0.1:6443")
			.requireSuccess();
		Kubectl.forKubeconfig(home.resolve(".kube/config"), home)
			.run("config", "set-context", "other", "--cluster=other", "--user=admin")
			.requireSuccess();

		firstUp = stevedore.run("up");
	}

	@AfterAll
	static void down() {
		// Whatever a failed test left: processes, containers, state.
		if (stevedore != null) {
			stevedore.run("down", "--purge");
		}
	}

	@Test
	@Order(1)
	void upStartsTheWholeClusterAndSaysWhatRunsWhere() {
		assertThat(firstUp.exitCode()).as(firstUp.toString()).isZero();
		assertThat(firstUp.stdout()).contains("up. What runs where:")
			.contains("apiserver")
			.contains("http://127.0.0.1:" + port)
			.contains("https://127.0.0.1:" + stevedore.environment("STEVEDORE_GATEWAY_PORT"))
			.contains("http://127.0.0.1:" + stevedore.environment("STEVEDORE_SCHEDULER_PORT"))
			.contains("http://127.0.0.1:" + stevedore.environment("STEVEDORE_CONTROLLER_PORT"))
			.contains("http://127.0.0.1:" + stevedore.environment("STEVEDORE_PROXY_PORT"))
			.contains("node " + stevedore.nodeName(1))
			.contains(stevedoreHome.resolve("logs/apiserver.log").toString())
			.contains(stevedoreHome.resolve("logs/node-" + stevedore.nodeName(1) + ".log").toString())
			.contains("store:      embedded, in " + stevedoreHome.resolve("data/apiserver"))
			.contains("kubeconfig: " + stevedoreHome.resolve("kubeconfig"))
			.contains("ingress:    http://127.0.0.1:" + stevedore.environment("STEVEDORE_INGRESS_PORT")
					+ " https://127.0.0.1:" + stevedore.environment("STEVEDORE_INGRESS_TLS_PORT"));
		for (String component : new String[] { "apiserver", "gateway", "scheduler", "controllers", "proxy",
				"node-" + stevedore.nodeName(1) }) {
			assertThat(stevedoreHome.resolve("run/" + component + ".pid")).isNotEmptyFile();
		}
	}

	@Test
	@Order(2)
	void kubectlWorksThroughTheGatewayWithTheWrittenKubeconfigAndTheNodeIsReady() {
		Kubectl kubectl = Kubectl.forKubeconfig(stevedoreHome.resolve("kubeconfig"), temp.resolve("kubectl-home"));

		assertThat(cleanOutput(kubectl.run("config", "current-context"))).isEqualTo("stevedore");
		assertThat(cleanOutput(kubectl.run("config", "view", "--raw", "-o", "jsonpath={.clusters[0].cluster.server}")))
			.isEqualTo("https://127.0.0.1:" + stevedore.environment("STEVEDORE_GATEWAY_PORT"));
		assertThat(cleanOutput(kubectl.run("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")))
			.isEqualTo("admin");
		assertThat(cleanOutput(kubectl.run("get", "node", stevedore.nodeName(1), "-o",
				"jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")))
			.isEqualTo("True");
		assertThat(cleanOutput(kubectl.runWithInput(
				"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"launcher-e2e\"}}", "apply",
				"-f", "-")))
			.isEqualTo("namespace/launcher-e2e created");
	}

	@Test
	@Order(3)
	void upMergesTheStevedoreContextIntoKubeConfigAsCurrentAndKeepsTheOthers() {
		Kubectl kubectl = Kubectl.forKubeconfig(home.resolve(".kube/config"), temp.resolve("kubectl-home"));

		assertThat(cleanOutput(kubectl.run("config", "current-context"))).isEqualTo("stevedore");
		assertThat(cleanOutput(kubectl.run("config", "get-contexts", "-o", "name")).lines())
			.containsExactlyInAnyOrder("other", "stevedore");
		assertThat(cleanOutput(
				kubectl.run("config", "view", "-o", "jsonpath={.clusters[?(@.name==\"stevedore\")].cluster.server}")))
			.isEqualTo("https://127.0.0.1:" + stevedore.environment("STEVEDORE_GATEWAY_PORT"));
		assertThat(cleanOutput(kubectl.run("get", "namespace", "launcher-e2e", "-o", "name")))
			.isEqualTo("namespace/launcher-e2e");
	}

	@Test
	@Order(4)
	void statusShowsEveryComponentsPidAndHealthAndTheNodesReadyCondition() {
		StevedoreCommand.Result status = stevedore.run("status");

		assertThat(status.exitCode()).as(status.toString()).isZero();
		String pid = readPid();
		assertThat(status.stdout()).containsPattern("apiserver\\s+" + pid + "\\s+ok\\s+UP\\s+http://127.0.0.1:" + port)
			.containsPattern("gateway\\s+" + readPid("gateway") + "\\s+-\\s+UP\\s+https://127.0.0.1:")
			.containsPattern("scheduler\\s+" + readPid("scheduler") + "\\s+-\\s+UP")
			.containsPattern("controllers\\s+" + readPid("controllers") + "\\s+-\\s+UP")
			.containsPattern("proxy\\s+" + readPid("proxy") + "\\s+-\\s+UP")
			.containsPattern(
					stevedore.nodeName(1) + "\\s+" + readPid("node-" + stevedore.nodeName(1)) + "\\s+True\\s+UP");
	}

	@Test
	@Order(5)
	void aSecondUpSaysItIsAlreadyUpAndStartsNothing() {
		String pid = readPid();

		StevedoreCommand.Result again = stevedore.run("up");

		assertThat(again.exitCode()).as(again.toString()).isZero();
		assertThat(again.stdout()).contains("already up");
		assertThat(readPid()).isEqualTo(pid);
	}

	@Test
	@Order(6)
	void upStartsAgainAControlPlaneProcessThatDied() throws Exception {
		String apiserver = readPid();
		ProcessHandle scheduler = ProcessHandle.of(Long.parseLong(readPid("scheduler"))).orElseThrow();
		scheduler.destroyForcibly();
		scheduler.onExit().get(30, TimeUnit.SECONDS);

		StevedoreCommand.Result again = stevedore.run("up");

		assertThat(again.exitCode()).as(again.toString()).isZero();
		assertThat(again.stdout()).contains("restarting what is not running: scheduler").contains("already up");
		assertThat(readPid()).as("the running apiserver is left alone").isEqualTo(apiserver);
		long restarted = Long.parseLong(readPid("scheduler"));
		assertThat(restarted).isNotEqualTo(scheduler.pid());
		assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false)).isTrue();
		assertThat(stevedore.run("status").stdout()).containsPattern("scheduler\\s+" + restarted + "\\s+-\\s+UP");
	}

	@Test
	@Order(7)
	void upWithOtherOptionsThanTheRunningClusterSaysWhatDiffers() {
		StevedoreCommand.Result other = stevedore.with("STEVEDORE_PORT", Integer.toString(port + 1))
			.run("up", "--store", "redis://127.0.0.1:6390", "--nodes", "3");

		assertThat(other.exitCode()).as(other.toString()).isEqualTo(1);
		assertThat(other.stderr()).contains("already up, but not as asked")
			.contains("it uses --store embedded, not redis://127.0.0.1:6390")
			.contains("its apiserver listens on port " + port + ", not " + (port + 1))
			.contains("it has 1 node(s), not 3")
			.contains("./stevedore down");
	}

	@Test
	@Order(8)
	void anotherRuntimeAndBadNodeNamesAreRefusedAndChangeNothing() {
		StevedoreCommand.Result simulated = stevedore.run("up", "--runtime", "simulated");
		assertThat(simulated.exitCode()).as(simulated.toString()).isEqualTo(1);
		assertThat(simulated.stderr()).contains("its nodes use --runtime docker, not simulated");

		StevedoreCommand.Result badName = stevedore.run("node", "add", "Worker_1");
		assertThat(badName.exitCode()).as(badName.toString()).isEqualTo(2);
		assertThat(badName.stderr()).contains("'Worker_1' is not a valid node name: a DNS-1123 subdomain");

		StevedoreCommand.Result unknown = stevedore.run("node", "stop", "no-such-node");
		assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
		assertThat(unknown.stderr()).contains("node no-such-node does not exist in this cluster")
			.contains(stevedore.nodeName(1));

		StevedoreCommand.Result noVerb = stevedore.run("node", "reboot", "x");
		assertThat(noVerb.exitCode()).isEqualTo(2);
		assertThat(noVerb.stderr()).contains("node: unknown verb 'reboot'");
		assertThat(stevedoreHome.resolve("nodes")).isDirectoryNotContaining("glob:**/Worker_1");
		assertThat(stevedoreHome.resolve("nodes")).isDirectoryNotContaining("glob:**/no-such-node");
	}

	@Test
	@Order(9)
	void badOptionsAreUsageErrorsNamingTheOption() {
		StevedoreCommand.Result store = stevedore.run("up", "--store", "mysql://db");
		StevedoreCommand.Result unknown = stevedore.run("up", "--frobnicate");

		assertThat(store.exitCode()).isEqualTo(2);
		assertThat(store.stderr()).contains("--store: 'mysql://db' is neither 'embedded' nor a redis://HOST:PORT URL");
		assertThat(unknown.exitCode()).isEqualTo(2);
		assertThat(unknown.stderr()).contains("up: unknown option '--frobnicate'");

		int gateway = Integer.parseInt(stevedore.environment("STEVEDORE_GATEWAY_PORT"));
		StevedoreCommand.Result samePort = stevedore.with("STEVEDORE_SCHEDULER_PORT", Integer.toString(gateway + 1))
			.run("up");
		assertThat(samePort.exitCode()).isEqualTo(2);
		assertThat(samePort.stderr()).contains("STEVEDORE_GATEWAY_PORT+1 (the gateway's admission endpoint) and"
				+ " STEVEDORE_SCHEDULER_PORT are both port " + (gateway + 1));
		StevedoreCommand.Result badSwitch = stevedore.with("STEVEDORE_INGRESS", "yes").run("up");
		assertThat(badSwitch.exitCode()).isEqualTo(2);
		assertThat(badSwitch.stderr()).contains("STEVEDORE_INGRESS='yes' is neither 'true' nor 'false'");
		StevedoreCommand.Result badChains = stevedore.with("STEVEDORE_PROXY_CHAIN_PREFIX", "bad-chains").run("up");
		assertThat(badChains.exitCode()).isEqualTo(2);
		assertThat(badChains.stderr()).contains("STEVEDORE_PROXY_CHAIN_PREFIX='bad-chains' is not 1-9 upper-case");
	}

	@Test
	@Order(10)
	void upExplainsAPortInUseAnUnreachableRedisAndAMissingJdk() throws IOException {
		StevedoreCommand elsewhere = StevedoreCommand.of(temp.resolve("state-2"), temp.resolve("home-2"), freePort());
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			StevedoreCommand.Result portInUse = elsewhere.with("STEVEDORE_PORT", Integer.toString(taken.getLocalPort()))
				.run("up");

			assertThat(portInUse.exitCode()).isEqualTo(1);
			assertThat(portInUse.stderr()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
				.contains("STEVEDORE_PORT=");

			StevedoreCommand.Result ingressPortInUse = elsewhere
				.with("STEVEDORE_INGRESS_PORT", Integer.toString(taken.getLocalPort()))
				.run("up");
			assertThat(ingressPortInUse.exitCode()).isEqualTo(1);
			assertThat(ingressPortInUse.stderr())
				.contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
				.contains("the Ingress (HTTP) needs it")
				.contains("STEVEDORE_INGRESS_PORT=");
		}

		int closed = freePort();
		StevedoreCommand.Result redis = elsewhere.run("up", "--store", "redis://127.0.0.1:" + closed);
		assertThat(redis.exitCode()).isEqualTo(1);
		assertThat(redis.stderr()).contains("Redis is unreachable at 127.0.0.1:" + closed);

		StevedoreCommand.Result noJdk = elsewhere.with("JAVA_HOME", "")
			.with("STEVEDORE_JVM_ROOT", temp.resolve("no-jvms").toString())
			.with("PATH", fakeJava17().toString() + ":" + System.getenv("PATH"))
			.run("up");
		assertThat(noJdk.exitCode()).isEqualTo(1);
		assertThat(noJdk.stderr()).contains("no JDK >= 21 found");

		StevedoreCommand.Result noDocker = elsewhere.with("DOCKER_HOST", "unix://" + temp.resolve("no-docker.sock"))
			.run("up");
		assertThat(noDocker.exitCode()).as(noDocker.toString()).isEqualTo(1);
		assertThat(noDocker.stderr()).contains("the Docker engine is not reachable")
			.contains("systemctl start docker")
			.contains("dockerd");
		assertThat(temp.resolve("state-2/run/apiserver.pid")).doesNotExist();
	}

	@Test
	@Order(11)
	void downStopsEveryProcessRemovesTheContainersKeepsTheDataAndDownPurgeForgetsEverything() throws Exception {
		long pid = Long.parseLong(readPid());
		long agent = Long.parseLong(readPid("node-" + stevedore.nodeName(1)));
		Kubectl admin = Kubectl.forKubeconfig(stevedoreHome.resolve("kubeconfig"), temp.resolve("kubectl-home"));
		admin.run("run", "sleeper", "--image=stevedore/pause:1", "--", "sleep", "3600").requireSuccess();
		admin.withTimeout(java.time.Duration.ofMinutes(3))
			.run("wait", "--for=condition=Ready", "pod/sleeper", "--timeout=170s")
			.requireSuccess();
		assertThat(Docker.containerIds("io.stevedore.node", stevedore.nodeName(1))).isNotEmpty();
		// The node's pod cgroups (memory controller of cgroup v1, or v2's unified tree).
		Path nodeCgroup = Files.isDirectory(Path.of("/sys/fs/cgroup/memory"))
				? Path.of("/sys/fs/cgroup/memory/stevedore", stevedore.nodeName(1))
				: Path.of("/sys/fs/cgroup/stevedore", stevedore.nodeName(1));
		String uid = admin.run("get", "pod", "sleeper", "-o", "jsonpath={.metadata.uid}").requireSuccess().stdout();
		assertThat(nodeCgroup.resolve("kubepods/besteffort/pod" + uid.strip())).as("the sleeper's pod cgroup")
			.isDirectory();
		// Every container carries this cluster's name (from cluster.env); a container of
		// another cluster's node of the same name is not this cluster's to remove.
		String cluster = Files.readAllLines(stevedoreHome.resolve("cluster.env"))
			.stream()
			.filter((line) -> line.startsWith("CLUSTER_NAME="))
			.findFirst()
			.orElseThrow()
			.substring("CLUSTER_NAME=".length());
		assertThat(cluster).startsWith("stevedore-");
		for (String id : Docker.containerIds("io.stevedore.node", stevedore.nodeName(1))) {
			assertThat(Docker.run("inspect", "-f", "{{index .Config.Labels \"io.stevedore.cluster\"}}", id).strip())
				.isEqualTo(cluster);
		}
		String others = Docker
			.run("create", "--label", "io.stevedore.node=" + stevedore.nodeName(1), "--label",
					"io.stevedore.cluster=another-cluster", "stevedore/pause:1", "sleep", "60")
			.strip();

		StevedoreCommand.Result down = stevedore.run("down");
		assertThat(Docker.containerIds("io.stevedore.cluster", "another-cluster")).as("another cluster's container")
			.containsExactly(others);
		Docker.run("rm", "-f", others);

		assertThat(down.exitCode()).as(down.toString()).isZero();
		assertThat(down.stdout()).contains("stopped apiserver (pid " + pid + ")")
			.contains("stopped node-" + stevedore.nodeName(1) + " (pid " + agent + ")")
			.contains("removed the containers of node(s) " + stevedore.nodeName(1));
		// The API's clients stop while the API still answers: the scheduler releases its
		// leader Lease instead of retrying against a gateway already gone.
		assertThat(down.stdout().indexOf("stopped scheduler")).as(down.stdout())
			.isLessThan(down.stdout().indexOf("stopped gateway"))
			.isLessThan(down.stdout().indexOf("stopped apiserver"));
		assertThat(down.stdout().indexOf("stopped node-" + stevedore.nodeName(1))).as(down.stdout())
			.isLessThan(down.stdout().indexOf("stopped apiserver"));
		assertThat(Files.readString(stevedoreHome.resolve("logs/scheduler.log")))
			.doesNotContain("Exception occurred while releasing lock");
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(ProcessHandle.of(agent).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(Docker.containerIds("io.stevedore.node", stevedore.nodeName(1))).isEmpty();
		assertThat(nodeCgroup).as("the node's cgroups go with its containers").doesNotExist();
		assertThat(stevedore.run("status").exitCode()).isEqualTo(1);
		assertThat(stevedore.run("down").stdout()).contains("not up");

		StevedoreCommand.Result upAgain = stevedore.run("up");
		assertThat(upAgain.exitCode()).as(upAgain.toString()).isZero();
		Kubectl kubectl = Kubectl.forKubeconfig(stevedoreHome.resolve("kubeconfig"), temp.resolve("kubectl-home"));
		assertThat(cleanOutput(kubectl.run("get", "namespace", "launcher-e2e", "-o", "name")))
			.as("data survives down and up")
			.isEqualTo("namespace/launcher-e2e");

		StevedoreCommand.Result purge = stevedore.run("down", "--purge");
		assertThat(purge.exitCode()).as(purge.toString()).isZero();
		assertThat(stevedoreHome).doesNotExist();
		KubectlResult contexts = Kubectl.forKubeconfig(home.resolve(".kube/config"), temp.resolve("kubectl-home"))
			.run("config", "get-contexts", "-o", "name");
		assertThat(cleanOutput(contexts).lines()).containsExactly("other");
	}

	private static String readPid() {
		return readPid("apiserver");
	}

	private static String readPid(String component) {
		try {
			return Files.readString(stevedoreHome.resolve("run/" + component + ".pid")).strip();
		}
		catch (IOException ex) {
			throw new AssertionError("no pid file in " + stevedoreHome, ex);
		}
	}

	/** A "JDK" whose java says it is 17, first on PATH: the finder must look past it. */
	private static Path fakeJava17() throws IOException {
		Path bin = Files.createDirectories(temp.resolve("jdk17/bin"));
		for (String tool : new String[] { "java", "javac" }) {
			Path file = Files.writeString(bin.resolve(tool),
					"#!/bin/sh\necho '    java.specification.version = 17' >&2\n");
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
		}
		return bin;
	}

	private static int freePort() {
		return FreePorts.next();
	}

}
