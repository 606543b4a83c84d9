package io.stevedore.gateway.admission.resourcequota;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.stevedore.gateway.admission.InformerLister;
import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quota admission end to end: the real kubectl through the gateway to the real apiserver,
 * which calls the gateway's admission. No quota controller runs here, so the test writes
 * each quota's first status itself (hard and zero usage), as the controller would; from
 * then on only admission's charges move status.used.
 */
class ResourceQuotaIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory);
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aPodOverThePodsQuotaIsRefusedWithKubernetesMessageAndNotStored() {
		namespaceWithQuota("over", "pods=1");
		admin.runWithInput(pod("first", "over"), "create", "-f", "-").requireSuccess();

		KubectlResult refused = admin.runWithInput(pod("second", "over"), "create", "-f", "-");

		assertThat(refused.succeeded()).isFalse();
		assertThat(refused.stderr()).contains("Error from server (Forbidden): error when creating \"STDIN\": "
				+ "pods \"second\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1");
		assertThat(admin.run("get", "pod", "second", "-n", "over").stderr()).contains("NotFound");
		assertThat(used("over")).isEqualTo("1");
	}

	@Test
	void concurrentCreatesAgainstAQuotaOfThreePodsStoreExactlyThree() throws Exception {
		namespaceWithQuota("burst", "pods=3");
		int writers = 8;
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		List<Future<KubectlResult>> results = new ArrayList<>();
		for (int i = 0; i < writers; i++) {
			String name = "p" + i;
			results.add(pool.submit(() -> admin.runWithInput(pod(name, "burst"), "create", "-f", "-")));
		}
		int admitted = 0;
		int refused = 0;
		for (Future<KubectlResult> result : results) {
			KubectlResult done = result.get();
			if (done.succeeded()) {
				admitted++;
			}
			else {
				assertThat(done.stderr())
					.contains("exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3");
				refused++;
			}
		}
		pool.shutdown();

		assertThat(admitted).isEqualTo(3);
		assertThat(refused).isEqualTo(writers - 3);
		String stored = admin.run("get", "pods", "-n", "burst", "-o", "name").requireSuccess().stdout();
		assertThat(stored.lines().filter((line) -> !line.isBlank())).hasSize(3);
		assertThat(used("burst")).isEqualTo("3");
	}

	@Test
	void aQuotaWithoutStatusRefusesAsStatusUnknown() {
		admin.run("create", "namespace", "unknown").requireSuccess();
		admin.run("create", "serviceaccount", "default", "-n", "unknown").requireSuccess();
		admin.run("create", "quota", "q", "--hard=pods=5", "-n", "unknown").requireSuccess();
		awaitCached("unknown");

		KubectlResult refused = admin.runWithInput(pod("web", "unknown"), "create", "-f", "-");

		assertThat(refused.stderr())
			.contains("pods \"web\" is forbidden: status unknown for quota: q, resources: pods");
		assertThat(admin.run("get", "pod", "web", "-n", "unknown").stderr()).contains("NotFound");
	}

	@Test
	void aDryRunIsCheckedButDoesNotCharge() {
		namespaceWithQuota("dry", "pods=1");

		admin.runWithInput(pod("web", "dry"), "create", "--dry-run=server", "-f", "-").requireSuccess();

		assertThat(used("dry")).isEqualTo("0");
		admin.runWithInput(pod("web", "dry"), "create", "-f", "-").requireSuccess();
		assertThat(used("dry")).isEqualTo("1");
	}

	/** A namespace with quota q, and its status as the controller first writes it. */
	private static void namespaceWithQuota(String namespace, String hard) {
		admin.run("create", "namespace", namespace).requireSuccess();
		admin.run("create", "serviceaccount", "default", "-n", namespace).requireSuccess();
		admin.run("create", "quota", "q", "--hard=" + hard, "-n", namespace).requireSuccess();
		String[] pair = hard.split("=");
		admin
			.run("patch", "resourcequota", "q", "-n", namespace, "--subresource=status", "--type=merge", "-p",
					"{\"status\":{\"hard\":{\"" + pair[0] + "\":\"" + pair[1] + "\"},\"used\":{\"" + pair[0]
							+ "\":\"0\"}}}")
			.requireSuccess();
		awaitCached(namespace);
	}

	/** Admission reads quotas from the gateway's informer: wait until it has this one. */
	@SuppressWarnings("unchecked")
	private static void awaitCached(String namespace) {
		InformerLister<ResourceQuota> quotas = cluster.gateway().getBean("resourceQuotaLister", InformerLister.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> quotas.get(namespace, "q").isPresent());
	}

	private static String used(String namespace) {
		return admin.run("get", "resourcequota", "q", "-n", namespace, "-o", "jsonpath={.status.used.pods}")
			.requireSuccess()
			.stdout()
			.trim();
	}

	private static String pod(String name, String namespace) {
		return """
				apiVersion: v1
				kind: Pod
				metadata: {name: %s, namespace: %s}
				spec:
				  containers:
				  - {name: c, image: busybox}
				""".formatted(name, namespace);
	}

}
