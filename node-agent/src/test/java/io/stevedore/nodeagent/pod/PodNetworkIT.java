package io.stevedore.nodeagent.pod;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.runtime.RuntimeLabels;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import io.stevedore.testsupport.docker.Docker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pod's network settings on the real engine: the resolv.conf its containers read for
 * each dnsPolicy, hostNetwork and hostPort, the hostname and /etc/hosts its containers
 * take from the sandbox, and a sandbox that cannot start.
 */
class PodNetworkIT {

	private static final String NODE = "net-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static ConfigurableApplicationContext agent;

	static KubernetesClient client;

	@BeforeAll
	static void start() throws IOException {
		Path resolv = dir.resolve("node-resolv.conf");
		Files.writeString(resolv, "nameserver 192.0.2.53\nsearch corp.example\noptions timeout:2\n");
		cluster = TestCluster.start(dir);
		agent = cluster.startNode(NODE, "--stevedore.node.resolv-conf=" + resolv);
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aClusterFirstPodResolvesThroughTheClusterDnsWithKubernetesSearchPaths() {
		Pod pod = running(TestPods.sleeper("cluster-first", NODE));
		assertThat(TestPods.exec(pod, "main", "cat", "/etc/resolv.conf"))
			.isEqualTo("search default.svc.cluster.local svc.cluster.local cluster.local corp.example\n"
					+ "nameserver 10.96.0.10\noptions ndots:5");
	}

	@Test
	void aDefaultPodGetsTheNodesResolvConfAndNoneOnlyItsDnsConfig() {
		Pod defaulted = running(new PodBuilder(TestPods.sleeper("default-dns", NODE)).editSpec()
			.withDnsPolicy("Default")
			.endSpec()
			.build());
		assertThat(TestPods.exec(defaulted, "main", "cat", "/etc/resolv.conf"))
			.isEqualTo("search corp.example\nnameserver 192.0.2.53\noptions timeout:2");
		Pod none = running(new PodBuilder(TestPods.sleeper("none-dns", NODE)).editSpec()
			.withDnsPolicy("None")
			.withDnsConfig(new PodDNSConfigBuilder().withNameservers("192.0.2.1")
				.withSearches("only.example")
				.withOptions(new PodDNSConfigOption("ndots", "2"))
				.build())
			.endSpec()
			.build());
		assertThat(TestPods.exec(none, "main", "cat", "/etc/resolv.conf"))
			.isEqualTo("search only.example\nnameserver 192.0.2.1\noptions ndots:2");
	}

	@Test
	void aHostNetworkPodServesOnTheNodesAddressAndPicksItsDnsByPolicy() throws Exception {
		int port = TestCluster.freePort();
		Pod pod = running(new PodBuilder(TestPods
			.shell("host-net", NODE, "echo host > /tmp/index.html; httpd -f -p 127.0.0.1:" + port + " -h /tmp")
			.build()).editSpec().withHostNetwork(true).endSpec().build());
		assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
		assertThat(get("http://127.0.0.1:" + port + "/")).isEqualTo("host\n");
		assertThat(TestPods.exec(pod, "main", "cat", "/etc/resolv.conf")).contains("nameserver 192.0.2.53")
			.doesNotContain("10.96.0.10");
		Pod withCluster = running(new PodBuilder(TestPods.sleeper("host-net-cluster", NODE)).editSpec()
			.withHostNetwork(true)
			.withDnsPolicy("ClusterFirstWithHostNet")
			.endSpec()
			.build());
		assertThat(TestPods.exec(withCluster, "main", "cat", "/etc/resolv.conf")).contains("nameserver 10.96.0.10");
	}

	@Test
	void aHostPortIsPublishedOnTheNode() throws Exception {
		int port = TestCluster.freePort();
		running(withHostPort(
				TestPods.shell("host-port", NODE, "echo published > /tmp/index.html; httpd -f -p 8080 -h /tmp").build(),
				port));
		await().atMost(Duration.ofSeconds(20))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(get("http://127.0.0.1:" + port + "/")).isEqualTo("published\n"));
	}

	@Test
	void theContainerCreatedWhileItsSandboxStartedHasThePodsHostnameAndHostsEntry() {
		// The agent creates the app container before the sandbox is started: it must
		// still take the sandbox's hostname and /etc/hosts when it starts.
		Pod pod = running(TestPods.sleeper("named", NODE));
		assertThat(TestPods.exec(pod, "main", "hostname")).isEqualTo("named");
		assertThat(TestPods.exec(pod, "main", "cat", "/etc/hosts"))
			.containsPattern(java.util.regex.Pattern.quote(pod.getStatus().getPodIP()) + "\\s+named");
	}

	@Test
	void aPodWithASubdomainKnowsItsClusterNameAndItsHostAliasesAreInItsHostsFile() {
		// A StatefulSet's pods have hostname and subdomain: hostname -f must answer the
		// name the cluster DNS serves for them.
		Pod pod = running(TestPods.shell("db-x", NODE, "trap 'exit 0' TERM; sleep 100000 & wait")
			.editSpec()
			.withHostname("db-0")
			.withSubdomain("db")
			.addNewHostAlias()
			.withIp("192.0.2.7")
			.withHostnames("registry.corp", "mirror.corp")
			.endHostAlias()
			.endSpec()
			.build());
		assertThat(TestPods.exec(pod, "main", "hostname")).isEqualTo("db-0");
		assertThat(TestPods.exec(pod, "main", "hostname", "-f")).isEqualTo("db-0.db.default.svc.cluster.local");
		String hosts = TestPods.exec(pod, "main", "cat", "/etc/hosts");
		assertThat(hosts).containsPattern(java.util.regex.Pattern.quote(pod.getStatus().getPodIP())
				+ "\\s+db-0\\.db\\.default\\.svc\\.cluster\\.local\\s+db-0");
		assertThat(hosts).containsPattern("192\\.0\\.2\\.7\\s+registry\\.corp")
			.containsPattern("192\\.0\\.2\\.7\\s+mirror\\.corp");
	}

	@Test
	void setHostnameAsFqdnMakesTheKernelHostnameTheWholeNameAndATooLongOneFailsTheSandbox() {
		Pod fqdn = running(TestPods.shell("fqdn", NODE, "trap 'exit 0' TERM; sleep 100000 & wait")
			.editSpec()
			.withSubdomain("svc1")
			.withSetHostnameAsFQDN(true)
			.endSpec()
			.build());
		assertThat(TestPods.exec(fqdn, "main", "hostname")).isEqualTo("fqdn.svc1.default.svc.cluster.local");

		String longName = "h".repeat(40);
		client.pods()
			.resource(TestPods.shell("too-long", NODE, "sleep 100000")
				.editSpec()
				.withHostname(longName)
				.withSubdomain("sub")
				.withSetHostnameAsFQDN(true)
				.endSpec()
				.build())
			.create();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(
					TestPods.events(client, client.pods().inNamespace("default").withName("too-long").get())
						.stream()
						.map(e -> e.getReason() + ": " + e.getMessage()))
				.anyMatch(e -> e.startsWith(
						"FailedCreatePodSandBox: Failed to create pod sandbox: failed to construct FQDN from pod hostname and cluster domain, FQDN "
								+ longName
								+ ".sub.default.svc.cluster.local is too long (64 characters is the max, 70 characters requested)")));
		assertThat(client.pods().inNamespace("default").withName("too-long").get().getStatus().getPhase())
			.isEqualTo("Pending");
	}

	@Test
	void aSandboxWhoseHostPortIsTakenLeavesNoContainerBehindAndStartsOnceThePortIsFree() throws Exception {
		Pod pod;
		int port;
		try (ServerSocket taken = new ServerSocket()) {
			// Every address, as Docker's proxy binds a hostPort: the sandbox's start
			// fails.
			taken.bind(new InetSocketAddress(0));
			port = taken.getLocalPort();
			pod = client.pods().resource(withHostPort(TestPods.sleeper("port-taken", NODE), port)).create();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(TestPods.events(client, pod)).anySatisfy(e -> {
					assertThat(e.getReason()).isEqualTo("FailedCreatePodSandBox");
					assertThat(e.getMessage()).contains(Integer.toString(port));
				}));
		}
		Pod running = TestPods.await(client, "port-taken", p -> "Running".equals(p.getStatus().getPhase()));
		// Each failed start removed its sandbox and the container created meanwhile: the
		// pod holds one sandbox and the first instance of its container, nothing else.
		assertThat(Docker.containerIds(RuntimeLabels.POD_UID, pod.getMetadata().getUid())).hasSize(2);
		assertThat(running.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
		assertThat(running.getStatus().getContainerStatuses().get(0).getState().getRunning()).isNotNull();
	}

	/** The pod with its first container's port 8080 published on the node's port. */
	private static Pod withHostPort(Pod pod, int port) {
		return new PodBuilder(pod).editSpec()
			.editFirstContainer()
			.addNewPort()
			.withContainerPort(8080)
			.withHostPort(port)
			.endPort()
			.endContainer()
			.endSpec()
			.build();
	}

	private static Pod running(Pod pod) {
		client.pods().resource(pod).create();
		return TestPods.await(client, pod.getMetadata().getName(), p -> "Running".equals(p.getStatus().getPhase()));
	}

	private static String get(String url) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
