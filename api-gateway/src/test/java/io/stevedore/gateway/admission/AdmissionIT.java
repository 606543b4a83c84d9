package io.stevedore.gateway.admission;

import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.stevedore.gateway.status.StatusResponses;
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
 * Admission end to end: the real kubectl through the gateway to the real apiserver, which
 * calls the gateway's admission endpoint on every write. Namespace "team" has a default
 * ServiceAccount, a LimitRange (Container: default cpu 500m / memory 128Mi,
 * defaultRequest cpu 100m, max cpu 1; PVC: max storage 2Gi) and the cluster a default
 * StorageClass.
 */
class AdmissionIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory);
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		admin.run("create", "namespace", "team").requireSuccess();
		admin.run("create", "serviceaccount", "default", "-n", "team").requireSuccess();
		admin.runWithInput("""
				apiVersion: v1
				kind: LimitRange
				metadata: {name: limits, namespace: team}
				spec:
				  limits:
				  - type: Container
				    default: {cpu: 500m, memory: 128Mi}
				    defaultRequest: {cpu: 100m}
				    max: {cpu: "1"}
				  - type: PersistentVolumeClaim
				    max: {storage: 2Gi}
				---
				apiVersion: storage.k8s.io/v1
				kind: StorageClass
				metadata:
				  name: local
				  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
				provisioner: example.com/local
				""", "create", "-f", "-").requireSuccess();
		// The plugins read informers: wait until the gateway's caches hold what was
		// created.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> !lister("limitRangeLister", LimitRange.class).list("team").isEmpty()
					&& lister("serviceAccountLister", ServiceAccount.class).get("team", "default").isPresent()
					&& !lister("storageClassLister", StorageClass.class).list().isEmpty());
	}

	@SuppressWarnings("unchecked")
	static <T extends io.fabric8.kubernetes.api.model.HasMetadata> InformerLister<T> lister(String bean,
			Class<T> kind) {
		return cluster.gateway().getBean(bean, InformerLister.class);
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void thePluginsRunInKubernetesOrder() {
		assertThat(cluster.gateway().getBean(AdmissionChain.class).plugins()).extracting(AdmissionPlugin::name)
			.containsExactly("LimitRanger", "ServiceAccount", "NodeRestriction", "PodSecurity", "Priority",
					"DefaultTolerationSeconds", "DefaultStorageClass", "CertificateApproval", "CertificateSigning",
					"CertificateSubjectRestriction", "ResourceQuota", "RBACEscalation");
	}

	@Test
	void limitRangeDefaultsAndTheDefaultServiceAccountAppearOnACreatedPod() throws Exception {
		admin.runWithInput(pod("plain", null), "create", "-f", "-").requireSuccess();

		JsonNode pod = json(admin.run("get", "pod", "plain", "-n", "team", "-o", "json").requireSuccess());
		JsonNode resources = pod.path("spec").path("containers").get(0).path("resources");
		assertThat(resources.path("limits").path("cpu").asText()).isEqualTo("500m");
		assertThat(resources.path("limits").path("memory").asText()).isEqualTo("128Mi");
		assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("100m");
		// The apiserver defaulted the LimitRange's defaultRequest memory to its default.
		assertThat(resources.path("requests").path("memory").asText()).isEqualTo("128Mi");
		assertThat(pod.path("metadata").path("annotations").path("kubernetes.io/limit-ranger").asText()).isEqualTo(
				"LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app");
		assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("default");
		assertThat(pod.path("spec").path("priority").asInt(-1)).isZero();
	}

	@Test
	void aPodOverTheLimitRangeMaxIsRefusedWithKubernetesMessageAndNotStored() {
		KubectlResult result = admin.runWithInput(pod("big", "2"), "create", "-f", "-").requireFailure();

		assertThat(result.stderr()).contains("Error from server (Forbidden): error when creating \"STDIN\": "
				+ "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
		assertThat(admin.run("get", "pods", "-n", "team", "-o", "name").requireSuccess().stdout())
			.doesNotContain("pod/big");
	}

	@Test
	void aPatchThatBreaksALimitIsRefusedAndTheObjectStaysAsItWas() throws Exception {
		admin.runWithInput("""
				apiVersion: v1
				kind: PersistentVolumeClaim
				metadata: {name: data, namespace: team}
				spec:
				  accessModes: [ReadWriteOnce]
				  resources: {requests: {storage: 1Gi}}
				""", "create", "-f", "-").requireSuccess();
		JsonNode before = json(admin.run("get", "pvc", "data", "-n", "team", "-o", "json").requireSuccess());

		KubectlResult patch = admin
			.run("patch", "pvc", "data", "-n", "team", "--type=merge", "-p",
					"{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"5Gi\"}}}}")
			.requireFailure();

		assertThat(patch.stderr()).contains("Error from server (Forbidden): persistentvolumeclaims \"data\" is "
				+ "forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi");
		JsonNode after = json(admin.run("get", "pvc", "data", "-n", "team", "-o", "json").requireSuccess());
		assertThat(after.path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("1Gi");
		assertThat(after.path("metadata").path("resourceVersion"))
			.isEqualTo(before.path("metadata").path("resourceVersion"));
		// DefaultStorageClass gave the classless claim the default class.
		assertThat(after.path("spec").path("storageClassName").asText()).isEqualTo("local");
	}

	@Test
	void anUnknownPriorityClassNameIsRefused() {
		String pod = pod("urgent", null).replace("spec:\n", "spec:\n  priorityClassName: ghost\n");

		KubectlResult result = admin.runWithInput(pod, "create", "-f", "-").requireFailure();

		assertThat(result.stderr())
			.contains("pods \"urgent\" is forbidden: no PriorityClass with name ghost was found");
		assertThat(admin.run("get", "pods", "-n", "team", "-o", "name").requireSuccess().stdout())
			.doesNotContain("pod/urgent");
	}

	@Test
	void aPodNamingAMissingServiceAccountIsRefused() {
		String pod = pod("lost", null).replace("spec:\n", "spec:\n  serviceAccountName: ghost\n");

		KubectlResult result = admin.runWithInput(pod, "create", "-f", "-").requireFailure();

		assertThat(result.stderr()).contains("pods \"lost\" is forbidden: error looking up service account "
				+ "team/ghost: serviceaccount \"ghost\" not found");
	}

	@Test
	void aServerDryRunIsAdmittedWithDefaultsAndNotStored() throws Exception {
		JsonNode pod = json(admin.runWithInput(pod("dry", null), "create", "--dry-run=server", "-o", "json", "-f", "-")
			.requireSuccess());

		assertThat(pod.path("spec").path("containers").get(0).path("resources").path("limits").path("cpu").asText())
			.isEqualTo("500m");
		assertThat(admin.run("get", "pods", "-n", "team", "-o", "name").requireSuccess().stdout())
			.doesNotContain("pod/dry");
	}

	@Test
	void withTheAdmissionEndpointDownWritesFailClosedWith500AndNothingIsStored() {
		AdmissionServer server = cluster.gateway().getBean(AdmissionServer.class);
		server.stop();
		try {
			KubectlResult result = admin.runWithInput(pod("unadmitted", null), "create", "-f", "-").requireFailure();

			assertThat(result.stderr()).contains("Error from server (InternalError)")
				.contains("admission endpoint http://127.0.0.1:");
			assertThat(admin.run("get", "pods", "-n", "team", "-o", "name").requireSuccess().stdout())
				.doesNotContain("pod/unadmitted");
		}
		finally {
			server.start();
		}
	}

	private static JsonNode json(KubectlResult result) throws Exception {
		return StatusResponses.JSON.readTree(result.stdout());
	}

	private static String pod(String name, String cpuLimit) {
		String resources = cpuLimit == null ? "" : """
				    resources:
				      limits: {cpu: "%s"}
				""".formatted(cpuLimit);
		return """
				apiVersion: v1
				kind: Pod
				metadata: {name: %s, namespace: team}
				spec:
				  containers:
				  - name: app
				    image: busybox
				%s""".formatted(name, resources);
	}

}
