package io.stevedore.nodeagent.pod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.pod.removal.EndpointRemovalGate;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestPods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deleted pod leaves every proxy before its container gets SIGTERM, against the real
 * apiserver and Docker. The test plays the endpoints controller (it writes the
 * EndpointSlice) and a proxy (it writes the Lease and its applied revision); the
 * container records its SIGTERM as a file on a hostPath volume.
 */
class EndpointRemovalIT {

	private static final String NODE = "removal-node";

	@TempDir
	static Path dir;

	static TestCluster cluster;

	static KubernetesClient client;

	@BeforeAll
	static void start() {
		cluster = TestCluster.start(dir);
		cluster.startNode(NODE, "--stevedore.node.endpoint-removal-timeout=8s");
		client = cluster.client();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void theStopSignalWaitsForTheSliceAndThenForTheProxysAppliedRevision() throws Exception {
		Lease proxy = proxyLease("caught-up", "1");
		try {
			Path term = dir.resolve("caught-up").resolve("term");
			Pod pod = runningPod("caught-up");
			EndpointSlice slice = client.resource(slice("caught-up", pod, true)).create();
			client.pods().inNamespace("default").withName("caught-up").delete();
			assertNoSignalFor(term, Duration.ofMillis(1500));

			EndpointSlice unready = client.resource(slice("caught-up", pod, false)).update();
			long removedAt = Long.parseLong(unready.getMetadata().getResourceVersion());
			assertThat(removedAt).isGreaterThan(Long.parseLong(slice.getMetadata().getResourceVersion()));
			assertNoSignalFor(term, Duration.ofMillis(1500));

			client.resource(withApplied(proxy, Long.toString(removedAt - 1))).update();
			assertNoSignalFor(term, Duration.ofMillis(1000));
			Instant caughtUp = Instant.now();
			client.resource(withApplied(proxy, Long.toString(removedAt))).update();
			await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(term));
			assertThat(Duration.between(caughtUp, Instant.now())).isLessThan(Duration.ofSeconds(4));
			await().atMost(Duration.ofSeconds(20))
				.until(() -> client.pods().inNamespace("default").withName("caught-up").get() == null);
		}
		finally {
			client.resource(proxy).delete();
		}
	}

	@Test
	void aProxyThatNeverCatchesUpHoldsThePodOnlyForTheTimeoutWithAnEvent() throws Exception {
		Lease proxy = proxyLease("stuck", "1");
		try {
			Path term = dir.resolve("stuck").resolve("term");
			Pod pod = runningPod("stuck");
			client.resource(slice("stuck", pod, true)).create();
			Instant deleted = Instant.now();
			client.pods().inNamespace("default").withName("stuck").delete();
			client.resource(slice("stuck", pod, false)).update();
			assertNoSignalFor(term, Duration.ofSeconds(6));
			await().atMost(Duration.ofSeconds(8)).until(() -> Files.exists(term));
			assertThat(Duration.between(deleted, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(TestPods.events(client, pod)).anySatisfy(e -> {
					assertThat(e.getReason()).isEqualTo("EndpointRemovalTimeout");
					assertThat(e.getMessage()).contains("stevedore-proxy-stuck (at 1)");
				}));
		}
		finally {
			client.resource(proxy).delete();
		}
	}

	private static void assertNoSignalFor(Path term, Duration duration) throws InterruptedException {
		Thread.sleep(duration);
		assertThat(term).as("SIGTERM came too early").doesNotExist();
	}

	private static Pod runningPod(String name) {
		Pod pod = new PodBuilder(
				TestPods.shell(name, NODE, "trap 'touch /out/term; exit 0' TERM; sleep 100000 & wait").build())
			.editSpec()
			.withTerminationGracePeriodSeconds(30L)
			.addNewVolume()
			.withName("out")
			.withNewHostPath()
			.withPath(dir.resolve(name).toString())
			.withType("DirectoryOrCreate")
			.endHostPath()
			.endVolume()
			.editFirstContainer()
			.addNewVolumeMount()
			.withName("out")
			.withMountPath("/out")
			.endVolumeMount()
			.endContainer()
			.endSpec()
			.build();
		client.pods().resource(pod).create();
		return TestPods.await(client, name, p -> "Running".equals(p.getStatus().getPhase()) && TestPods.ready(p));
	}

	private static EndpointSlice slice(String name, Pod pod, boolean ready) {
		return new EndpointSliceBuilder().withNewMetadata()
			.withName(name + "-abcde")
			.withNamespace("default")
			.withLabels(Map.of("kubernetes.io/service-name", name))
			.endMetadata()
			.withAddressType("IPv4")
			.addNewEndpoint()
			.withAddresses(pod.getStatus().getPodIP())
			.withNodeName(NODE)
			.withNewConditions()
			.withReady(ready)
			.withServing(true)
			.withTerminating(!ready)
			.endConditions()
			.withNewTargetRef()
			.withKind("Pod")
			.withNamespace("default")
			.withName(pod.getMetadata().getName())
			.withUid(pod.getMetadata().getUid())
			.endTargetRef()
			.endEndpoint()
			.addNewPort()
			.withName("")
			.withPort(80)
			.withProtocol("TCP")
			.endPort()
			.build();
	}

	private static Lease proxyLease(String node, String applied) {
		return client
			.resource(new LeaseBuilder().withNewMetadata()
				.withName(EndpointRemovalGate.PROXY_LEASE_PREFIX + node)
				.withNamespace("kube-node-lease")
				.withAnnotations(Map.of(EndpointRemovalGate.APPLIED_ANNOTATION, applied))
				.endMetadata()
				.withNewSpec()
				.withHolderIdentity(node)
				.withLeaseDurationSeconds(60)
				.withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
				.endSpec()
				.build())
			.create();
	}

	private static Lease withApplied(Lease lease, String applied) {
		Lease current = client.leases().inNamespace("kube-node-lease").withName(lease.getMetadata().getName()).get();
		return new LeaseBuilder(current).editMetadata()
			.addToAnnotations(EndpointRemovalGate.APPLIED_ANNOTATION, applied)
			.endMetadata()
			.editSpec()
			.withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
			.endSpec()
			.build();
	}

}
