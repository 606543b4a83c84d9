package io.stevedore.proxy.networkpolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.proxy.service.support.Objects;
import io.stevedore.proxy.service.support.ProxyTestCluster;
import io.stevedore.testsupport.docker.Docker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.stevedore.proxy.networkpolicy.PolicyRendererTest.policy;
import static io.stevedore.proxy.networkpolicy.PolicyRendererTest.port;
import static io.stevedore.proxy.networkpolicy.PolicyRendererTest.selector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * NetworkPolicies enforced by the real proxy (with the iptables Service plane) on this
 * machine's kernel, between busybox "pods" on a Docker bridge of the test's own that are
 * registered as Pods in the real apiserver: every pod serves its name on 8080, and
 * connects to the others with {@code wget} from inside its own network namespace. A
 * blocked connection is one that does not answer within 2 s.
 */
class NetworkPolicyIT {

	private static final String NETWORK = "stvd-np-it";

	private static final String SUBNET = "172.31.213";

	private static final String CIDR = "10.213.0.0/16";

	@TempDir
	static Path dir;

	static ProxyTestCluster cluster;

	static KubernetesClient client;

	/**
	 * np-a (team red): web, db, front (role=frontend), other; np-b (team blue): remote.
	 */
	static String web;

	static String db;

	static String front;

	static String other;

	static String remote;

	@BeforeAll
	static void start() {
		cluster = ProxyTestCluster.start(dir, CIDR, NETWORK, SUBNET);
		client = cluster.client();
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata()
				.withName("np-a")
				.withLabels(Map.of("team", "red"))
				.endMetadata()
				.build())
			.create();
		client.namespaces()
			.resource(new NamespaceBuilder().withNewMetadata()
				.withName("np-b")
				.withLabels(Map.of("team", "blue"))
				.endMetadata()
				.build())
			.create();
		web = pod("np-a", "web", 21, Map.of("app", "web"));
		db = pod("np-a", "db", 22, Map.of("app", "db"));
		front = pod("np-a", "front", 23, Map.of("role", "frontend"));
		other = pod("np-a", "other", 24, Map.of("role", "other"));
		remote = pod("np-b", "remote", 25, Map.of("role", "frontend"));
		cluster.startProxy("--stevedore.proxy.mode=iptables", "--stevedore.proxy.chain-prefix=ITNPS",
				"--stevedore.proxy.service-cidr=" + CIDR, "--stevedore.proxy.node-name=np-it-node",
				"--stevedore.proxy.network-policy.chain-prefix=ITNP");
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.close();
		}
		if (cluster != null) {
			cluster.close();
		}
		assertThat(iptablesSave()).as("no chain of the enforcer is left").doesNotContain("ITNP");
	}

	@AfterEach
	void deletePolicies() {
		for (String ns : List.of("np-a", "np-b")) {
			client.network().v1().networkPolicies().inNamespace(ns).delete();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> reaches("front", web) && reaches("other", db));
	}

	@Test
	void withoutPoliciesEveryPodReachesEveryOther() {
		assertThat(reaches("front", web)).isTrue();
		assertThat(reaches("remote", db)).isTrue();
		assertThat(reaches("web", other)).isTrue();
	}

	@Test
	void aPolicySelectingAPodDeniesItsIngressUntilDeletedAndLeavesOtherPodsAlone() {
		create(policy("np-a", "deny-web", Map.of("app", "web"), spec -> spec.withPolicyTypes("Ingress")));

		awaitBlocked("front", web);
		assertThat(reaches("remote", web)).isFalse();
		assertThat(reaches("front", db)).as("db is not selected").isTrue();
		assertThat(reaches("web", db)).as("web's egress is not selected, replies pass").isTrue();

		client.network().v1().networkPolicies().inNamespace("np-a").withName("deny-web").delete();
		await().atMost(Duration.ofSeconds(20)).until(() -> reaches("front", web));
	}

	@Test
	void aPodSelectorPeerAllowsExactlyThosePodsOfThePolicysNamespace() {
		create(policy("np-a", "from-front", Map.of("app", "web"),
				spec -> spec.addNewIngress()
					.withFrom(new NetworkPolicyPeerBuilder().withPodSelector(selector("role", "frontend")).build())
					.endIngress()));

		awaitBlocked("other", web);
		assertThat(reaches("front", web)).isTrue();
		assertThat(reaches("remote", web)).as("role=frontend, but in another namespace").isFalse();
	}

	@Test
	void aNamespaceSelectorPeerAllowsThePodsOfThoseNamespaces() {
		create(policy("np-a", "from-blue", Map.of("app", "web"),
				spec -> spec.addNewIngress()
					.withFrom(new NetworkPolicyPeerBuilder().withNamespaceSelector(selector("team", "blue")).build())
					.endIngress()));

		awaitBlocked("front", web);
		assertThat(reaches("remote", web)).isTrue();
	}

	@Test
	void anIpBlockWithExceptAndAPortAllowExactlyWhatTheySay() {
		create(policy("np-a", "block", Map.of("app", "web"),
				spec -> spec.addNewIngress()
					.withFrom(new NetworkPolicyPeerBuilder().withNewIpBlock()
						.withCidr(SUBNET + ".0/24")
						.withExcept(front + "/32")
						.endIpBlock()
						.build())
					.withPorts(port("TCP", new IntOrString(8080), null))
					.endIngress()));
		create(policy("np-a", "db-other-port", Map.of("app", "db"),
				spec -> spec.addNewIngress().withPorts(port("TCP", new IntOrString(9090), null)).endIngress()));

		awaitBlocked("front", web);
		assertThat(reaches("other", web)).isTrue();
		assertThat(reaches("remote", web)).isTrue();
		assertThat(reaches("other", db)).as("only 9090 is open on db").isFalse();
	}

	@Test
	void egressRulesDenyAllButWhatTheyAllow() {
		// policyTypes given: by default a policy with egress rules selects for Ingress
		// too
		create(policy("np-a", "front-to-db", Map.of("role", "frontend"),
				spec -> spec.withPolicyTypes("Egress")
					.addNewEgress()
					.withTo(new NetworkPolicyPeerBuilder().withPodSelector(selector("app", "db")).build())
					.withPorts(port("TCP", new IntOrString(8080), null))
					.endEgress()));

		awaitBlocked("front", web);
		assertThat(reaches("front", db)).isTrue();
		assertThat(reaches("other", web)).as("other is not selected").isTrue();
		assertThat(reaches("web", front)).as("front's ingress is not selected").isTrue();
	}

	@Test
	void serviceTrafficIsFilteredAfterDnatSoPoliciesSeeTheRealDestinationPod() {
		Service svc = client.services()
			.inNamespace("np-a")
			.resource(Objects.serviceBuilder("np-a", "web", null, Objects.port("", "TCP", 80, null)).build())
			.create();
		client.discovery()
			.v1()
			.endpointSlices()
			.inNamespace("np-a")
			.resource(Objects.slice("np-a", "web-1", "web", "", "TCP", 8080,
					List.of(Objects.endpoint(web, true, false, "np-it-node"))))
			.create();
		String vip = svc.getSpec().getClusterIP();
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> "web".equals(wget("other", vip + ":80")));
			create(policy("np-a", "from-front", Map.of("app", "web"),
					spec -> spec.addNewIngress()
						.withFrom(new NetworkPolicyPeerBuilder().withPodSelector(selector("role", "frontend")).build())
						.endIngress()));

			await().atMost(Duration.ofSeconds(20)).until(() -> wget("other", vip + ":80") == null);
			assertThat(wget("front", vip + ":80")).isEqualTo("web");
		}
		finally {
			client.services().inNamespace("np-a").withName("web").delete();
			client.discovery().v1().endpointSlices().inNamespace("np-a").withName("web-1").delete();
		}
	}

	private static void create(NetworkPolicy policy) {
		client.network()
			.v1()
			.networkPolicies()
			.inNamespace(policy.getMetadata().getNamespace())
			.resource(policy)
			.create();
	}

	private static void awaitBlocked(String from, String ip) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> !reaches(from, ip));
	}

	/** Whether pod {@code from} gets the answer of the pod at {@code ip}:8080. */
	private static boolean reaches(String from, String ip) {
		return wget(from, ip + ":8080") != null;
	}

	private static String wget(String from, String address) {
		Docker.Result result = Docker.tryRun("exec", NETWORK + "-" + from, "timeout", "2", "wget", "-qO-",
				"http://" + address + "/");
		return (result.exitCode() == 0) ? result.output().strip() : null;
	}

	/**
	 * A container serving its name on 8080, registered as a Running Pod with its IP and a
	 * port named http.
	 */
	private static String pod(String namespace, String name, int lastOctet, Map<String, String> labels) {
		String ip = cluster.startWebPod(NETWORK + "-" + name, lastOctet);
		Docker.run("exec", NETWORK + "-" + name, "sh", "-c", "echo " + name + " > /www/index.html");
		Pod pod = client.pods()
			.inNamespace(namespace)
			.resource(new PodBuilder().withNewMetadata()
				.withNamespace(namespace)
				.withName(name)
				.withLabels(labels)
				.endMetadata()
				.withNewSpec()
				.withNodeName("np-it-node")
				.addNewContainer()
				.withName("web")
				.withImage("stevedore-test/busybox:1")
				.addNewPort()
				.withName("http")
				.withContainerPort(8080)
				.endPort()
				.endContainer()
				.endSpec()
				.build())
			.create();
		pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
			.withPodIP(ip)
			.addNewPodIP(ip)
			.build());
		client.pods().inNamespace(namespace).resource(pod).updateStatus();
		return ip;
	}

	private static String iptablesSave() {
		try {
			Process process = new ProcessBuilder("iptables-save", "-t", "filter").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes());
			process.waitFor();
			return out;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
