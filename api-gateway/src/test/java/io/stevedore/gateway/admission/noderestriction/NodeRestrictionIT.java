package io.stevedore.gateway.admission.noderestriction;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stevedore.client.events.EventSink;
import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.gateway.support.StaticTokens;
import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Node restriction end to end: the real kubectl as the node identity system:node:n1
 * (group system:nodes) through the gateway to the real apiserver. Pod "mine" is bound to
 * n1, runs as ServiceAccount "mine" and mounts secret "mine" and claim "data-mine", to
 * which volume "pv-mine" is bound; pod "theirs" is bound to n2, with "theirs" for each.
 * Pods "debugged-NAME" name no Secret until an ephemeral container is added, and pods
 * "csi-NAME" claim "data-csi-NAME", to which CSI volume "pv-csi-NAME" naming Secret
 * "storage/csi-NAME" is bound; "mine" on n1 and "theirs" on n2 again.
 */
class NodeRestrictionIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	static Kubectl node;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory, StaticTokens.file(directory,
				"n1-token,system:node:n1,n1,\"system:nodes\"", "n3-token,system:node:n3,n3,\"system:nodes\""));
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		node = cluster.kubectlWithToken("n1-token");
		admin.run("create", "namespace", "work").requireSuccess();
		admin.run("create", "namespace", "storage").requireSuccess();
		admin.run("create", "serviceaccount", "default", "-n", "work").requireSuccess();
		admin.run("create", "serviceaccount", "mine", "-n", "work").requireSuccess();
		admin.run("create", "serviceaccount", "theirs", "-n", "work").requireSuccess();
		admin
			.runWithInput("""
					apiVersion: v1
					kind: Node
					metadata: {name: n1}
					---
					apiVersion: v1
					kind: Node
					metadata: {name: n2}
					---
					apiVersion: v1
					kind: Secret
					metadata: {name: mine, namespace: work}
					stringData: {key: a}
					---
					apiVersion: v1
					kind: Secret
					metadata: {name: theirs, namespace: work}
					stringData: {key: b}
					---
					%s
					---
					%s
					---
					%s
					---
					%s
					""".formatted(pod("mine", "n1"), pod("theirs", "n2"), volume("mine"), volume("theirs")), "create",
					"-f", "-")
			.requireSuccess();
		for (String name : new String[] { "mine", "theirs" }) {
			String nodeName = name.equals("mine") ? "n1" : "n2";
			admin.run("create", "secret", "generic", "debug-" + name, "-n", "work", "--from-literal=token=t")
				.requireSuccess();
			admin.run("create", "secret", "generic", "csi-" + name, "-n", "storage", "--from-literal=token=t")
				.requireSuccess();
			admin
				.runWithInput(
						debuggedPod(name, nodeName) + "---\n" + csiPod(name, nodeName) + "---\n" + csiVolume(name),
						"create", "-f", "-")
				.requireSuccess();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> node.run("get", "secret", "mine", "-n", "work").succeeded());
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aNodeCountsARepeatedEventOnTheStoredOneThoughItMayNotGetEvents() {
		// Config.empty(): nothing from this machine's kubeconfig or environment.
		var config = new ConfigBuilder(Config.empty()).withMasterUrl(cluster.gatewayUrl())
			.withOauthToken("n1-token")
			.withCaCertFile(cluster.stateDir().resolve("ca.crt").toString())
			.build();
		try (KubernetesClient n1 = new KubernetesClientBuilder().withConfig(config).build()) {
			EventSink sink = new EventSink(n1, Clock.systemUTC());
			Event event = new EventBuilder().withNewMetadata()
				.withName("mine.counted")
				.withNamespace("work")
				.endMetadata()
				.withNewInvolvedObject()
				.withApiVersion("v1")
				.withKind("Pod")
				.withNamespace("work")
				.withName("mine")
				.withUid("uid-mine")
				.endInvolvedObject()
				.withType("Warning")
				.withReason("BackOff")
				.withMessage("Back-off restarting failed container main in pod mine_work(uid-mine)")
				.withNewSource("kubelet", "n1")
				.withFirstTimestamp("2026-12-07T03:00:00Z")
				.withLastTimestamp("2026-12-07T03:00:00Z")
				.withCount(1)
				.build();
			for (int i = 0; i < 3; i++) {
				sink.record(event);
			}
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(
						admin.run("get", "event", "mine.counted", "-n", "work", "-o", "jsonpath={.count}")
							.requireSuccess()
							.stdout())
					.isEqualTo("3"));
		}
		// As Kubernetes' system:node role: create, patch and update on events, no get.
		KubectlResult refused = node.run("get", "event", "mine.counted", "-n", "work");
		assertThat(refused.succeeded()).isFalse();
		assertThat(refused.stderr()).contains("Forbidden");
	}

	@Test
	void aNodeReadsTheSecretOfItsPodButNotAnotherNodesSecret() {
		node.run("get", "secret", "mine", "-n", "work").requireSuccess();

		KubectlResult refused = node.run("get", "secret", "theirs", "-n", "work");

		assertThat(refused.succeeded()).isFalse();
		assertThat(refused.stderr()).contains("Error from server (Forbidden): secrets \"theirs\" is forbidden: "
				+ "User \"system:node:n1\" cannot get resource \"secrets\" in API group \"\" in the namespace \"work\": "
				+ "no relationship found between node 'n1' and this object");
	}

	@Test
	void aNodeUpdatesTheStatusOfItsPodButNotOfAnotherNodesPodAndNothingChanges() {
		// PUT pods/{name}/status as a kubelet does (kubectl patch --subresource would
		// first
		// GET pods/status, which the system:node role does not grant).
		node.runWithInput(withStatusMessage("mine"), "replace", "--raw", "/api/v1/namespaces/work/pods/mine/status",
				"-f", "-")
			.requireSuccess();

		KubectlResult refused = node.runWithInput(withStatusMessage("theirs"), "replace", "--raw",
				"/api/v1/namespaces/work/pods/theirs/status", "-f", "-");

		assertThat(refused.stderr()).contains("pods \"theirs\" is forbidden: "
				+ "node \"n1\" can only update pod status for pods with spec.nodeName set to itself");
		assertThat(admin.run("get", "pod", "theirs", "-n", "work", "-o", "jsonpath={.status.message}")
			.requireSuccess()
			.stdout()).doesNotContain("seen by n1");
		assertThat(admin.run("get", "pod", "mine", "-n", "work", "-o", "jsonpath={.status.message}")
			.requireSuccess()
			.stdout()).contains("seen by n1");
	}

	/** The stored pod, as JSON, with status.message set: a whole object for a PUT. */
	private static String withStatusMessage(String name) {
		String json = admin.run("get", "pod", name, "-n", "work", "-o", "json").requireSuccess().stdout();
		int status = json.lastIndexOf("\"status\": {");
		return json.substring(0, status) + "\"status\": {\"message\": \"seen by n1\","
				+ json.substring(status + "\"status\": {".length());
	}

	@Test
	void aNodeMayNotModifyAnotherNodeNorItsOwnRestrictedLabels() {
		KubectlResult other = node.run("label", "node", "n2", "disk=ssd");
		assertThat(other.stderr())
			.contains("nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");

		KubectlResult restricted = node.run("label", "node", "n1", "node-restriction.kubernetes.io/pool=gold");
		assertThat(restricted.stderr()).contains(
				"nodes \"n1\" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool");

		node.run("label", "node", "n1", "disk=ssd").requireSuccess();
		assertThat(admin.run("get", "node", "n2", "-o", "jsonpath={.metadata.labels}").requireSuccess().stdout())
			.doesNotContain("disk");
	}

	@Test
	void aNodeMayNotGiveItselfAKubernetesLabelOutsideTheKubeletsButSetsItsZone() {
		String before = resourceVersion("n1");

		KubectlResult refused = node.run("label", "node", "n1", "kubernetes.io/foo=bar");

		assertThat(refused.succeeded()).isFalse();
		assertThat(refused.stderr()).contains("Error from server (Forbidden): nodes \"n1\" is forbidden: "
				+ "is not allowed to modify labels: kubernetes.io/foo");
		assertThat(resourceVersion("n1")).as("the refused write stored nothing").isEqualTo(before);

		node.run("label", "node", "n1", "topology.kubernetes.io/zone=zone-a").requireSuccess();
		assertThat(admin.run("get", "node", "n1", "-o", "jsonpath={.metadata.labels}").requireSuccess().stdout())
			.contains("\"topology.kubernetes.io/zone\":\"zone-a\"")
			.doesNotContain("kubernetes.io/foo");
	}

	@Test
	void aNodeMayNotRemoveATaintAnAdministratorGaveIt() {
		admin.run("taint", "node", "n1", "example.com/maintenance=yes:NoSchedule").requireSuccess();
		String before = resourceVersion("n1");

		KubectlResult refused = node.run("taint", "node", "n1", "example.com/maintenance-");

		assertThat(refused.succeeded()).isFalse();
		assertThat(refused.stderr()).contains("Error from server (Forbidden): nodes \"n1\" is forbidden: "
				+ "node \"n1\" is not allowed to modify taints");
		assertThat(resourceVersion("n1")).as("the refused write stored nothing").isEqualTo(before);
		admin.run("taint", "node", "n1", "example.com/maintenance-").requireSuccess();
	}

	@Test
	void aNodeRegistersWithTheLabelsTheNodeAgentSetsButNotWithAnotherKubernetesLabel() {
		Kubectl n3 = cluster.kubectlWithToken("n3-token");
		String labels = """
				    kubernetes.io/hostname: n3
				    kubernetes.io/os: linux
				    kubernetes.io/arch: amd64
				    beta.kubernetes.io/os: linux
				    beta.kubernetes.io/arch: amd64
				    type: simulated
				""";

		KubectlResult refused = n3.runWithInput(registration(labels + "    kubernetes.io/foo: bar\n"), "create", "-f",
				"-");
		assertThat(refused.stderr()).contains("nodes \"n3\" is forbidden: "
				+ "node \"n3\" is not allowed to set the following labels: kubernetes.io/foo");
		assertThat(admin.run("get", "node", "n3").succeeded()).isFalse();

		n3.runWithInput(registration(labels), "create", "-f", "-").requireSuccess();
	}

	private static String registration(String labels) {
		return """
				apiVersion: v1
				kind: Node
				metadata:
				  name: n3
				  labels:
				""" + labels;
	}

	@Test
	void aNodeReadsTheVolumeOfItsPodsClaimButNotAnotherVolume() {
		node.run("get", "pv", "pv-mine").requireSuccess();

		KubectlResult refused = node.run("get", "pv", "pv-theirs");

		assertThat(refused.stderr()).contains("Error from server (Forbidden): persistentvolumes \"pv-theirs\" is "
				+ "forbidden: User \"system:node:n1\" cannot get resource \"persistentvolumes\" in API group \"\" at the "
				+ "cluster scope: no relationship found between node 'n1' and this object");
	}

	@Test
	void aNodeReadsASecretOnlyAnEphemeralContainerOfItsPodNamesButNotAnotherNodesOne() {
		assertThat(node.run("get", "secret", "debug-mine", "-n", "work").succeeded()).as("no container names it yet")
			.isFalse();

		addEphemeralContainer("mine");
		addEphemeralContainer("theirs");

		node.run("get", "secret", "debug-mine", "-n", "work").requireSuccess();
		assertThat(node.run("get", "secret", "debug-theirs", "-n", "work").stderr())
			.contains("Error from server (Forbidden): secrets \"debug-theirs\" is forbidden: User \"system:node:n1\" "
					+ "cannot get resource \"secrets\" in API group \"\" in the namespace \"work\": "
					+ "no relationship found between node 'n1' and this object");
		assertThat(cluster.kubectlWithToken("n3-token").run("get", "secret", "debug-mine", "-n", "work").stderr())
			.contains("no relationship found between node 'n3' and this object");
	}

	@Test
	void aNodeReadsTheSecretACsiVolumeBoundToItsPodsClaimNamesButNoOther() {
		node.run("get", "secret", "csi-mine", "-n", "storage").requireSuccess();

		assertThat(node.run("get", "secret", "csi-theirs", "-n", "storage").stderr())
			.contains("Error from server (Forbidden): secrets \"csi-theirs\" is forbidden: User \"system:node:n1\" "
					+ "cannot get resource \"secrets\" in API group \"\" in the namespace \"storage\": "
					+ "no relationship found between node 'n1' and this object");
		assertThat(node.run("get", "secret", "csi-mine", "-n", "work").stderr())
			.as("the volume names the Secret of its namespace only")
			.contains("no relationship found between node 'n1' and this object");
		assertThat(cluster.kubectlWithToken("n3-token").run("get", "secret", "csi-mine", "-n", "storage").stderr())
			.contains("no relationship found between node 'n3' and this object");
	}

	/**
	 * Through pods/ephemeralcontainers, as kubectl debug: env from Secret "debug-NAME".
	 */
	private static void addEphemeralContainer(String name) {
		Pod pod = Serialization.unmarshal(
				admin.run("get", "pod", "debugged-" + name, "-n", "work", "-o", "json").requireSuccess().stdout(),
				Pod.class);
		pod.getSpec()
			.getEphemeralContainers()
			.add(new EphemeralContainerBuilder().withName("debugger")
				.withImage("busybox")
				.addNewEnv()
				.withName("TOKEN")
				.withNewValueFrom()
				.withNewSecretKeyRef("token", "debug-" + name, false)
				.endValueFrom()
				.endEnv()
				.build());
		admin
			.runWithInput(Serialization.asJson(pod), "replace", "--raw",
					"/api/v1/namespaces/work/pods/debugged-" + name + "/ephemeralcontainers", "-f", "-")
			.requireSuccess();
	}

	@Test
	void aNodeGetsATokenForTheServiceAccountOfItsPodBoundToThePodButNoOtherToken() {
		String mine = uid("mine");

		KubectlResult created = node.run("create", "token", "mine", "-n", "work", "--bound-object-kind", "Pod",
				"--bound-object-name", "mine", "--bound-object-uid", mine, "-v=6");
		assertThat(created.succeeded()).as(created.stderr()).isTrue();
		assertThat(created.stderr()).contains("/api/v1/namespaces/work/serviceaccounts/mine/token 201 Created");
		assertThat(created.stdout()).isNotBlank();

		KubectlResult otherAccount = node.run("create", "token", "theirs", "-n", "work", "--bound-object-kind", "Pod",
				"--bound-object-name", "theirs", "--bound-object-uid", uid("theirs"), "-v=6");
		assertThat(otherAccount.stderr()).contains("/api/v1/namespaces/work/serviceaccounts/theirs/token 403 Forbidden")
			.contains("serviceaccounts \"theirs\" is forbidden: User \"system:node:n1\" cannot create resource "
					+ "\"serviceaccounts/token\" in API group \"\" in the namespace \"work\": "
					+ "no relationship found between node 'n1' and this object");

		KubectlResult unbound = node.run("create", "token", "mine", "-n", "work", "-v=6");
		assertThat(unbound.stderr()).contains("/api/v1/namespaces/work/serviceaccounts/mine/token 403 Forbidden")
			.contains("failed to create token: serviceaccounts \"mine\" is forbidden: "
					+ "node requested token not bound to a pod");
	}

	private static String resourceVersion(String nodeName) {
		return admin.run("get", "node", nodeName, "-o", "jsonpath={.metadata.resourceVersion}")
			.requireSuccess()
			.stdout()
			.trim();
	}

	private static String uid(String pod) {
		return admin.run("get", "pod", pod, "-n", "work", "-o", "jsonpath={.metadata.uid}")
			.requireSuccess()
			.stdout()
			.trim();
	}

	@Test
	void aNodeMayNotDeleteAnotherNodesPod() {
		KubectlResult refused = node.run("delete", "pod", "theirs", "-n", "work", "--wait=false");

		assertThat(refused.stderr()).contains("node \"n1\" can only delete pods with spec.nodeName set to itself");
		admin.run("get", "pod", "theirs", "-n", "work").requireSuccess();
	}

	private static String pod(String name, String nodeName) {
		return plainPod(name, nodeName, """
				  serviceAccountName: %s
				  volumes:
				  - name: s
				    secret: {secretName: %s}
				  - name: data
				    persistentVolumeClaim: {claimName: data-%s}
				""".formatted(name, name, name));
	}

	/** Pod "debugged-NAME", naming nothing until an ephemeral container is added. */
	private static String debuggedPod(String name, String nodeName) {
		return plainPod("debugged-" + name, nodeName, "");
	}

	/** Pod "csi-NAME", claiming "data-csi-NAME". */
	private static String csiPod(String name, String nodeName) {
		return plainPod("csi-" + name, nodeName, """
				  volumes:
				  - name: data
				    persistentVolumeClaim: {claimName: data-csi-%s}
				""".formatted(name));
	}

	/**
	 * A pod of one container in namespace work, bound to the node, with more of its spec.
	 */
	private static String plainPod(String name, String nodeName, String spec) {
		return """
				apiVersion: v1
				kind: Pod
				metadata: {name: %s, namespace: work}
				spec:
				  nodeName: %s
				  containers:
				  - {name: c, image: busybox}
				""".formatted(name, nodeName) + spec;
	}

	/**
	 * CSI volume "pv-csi-NAME", bound to claim "data-csi-NAME", names "storage/csi-NAME".
	 */
	private static String csiVolume(String name) {
		return """
				apiVersion: v1
				kind: PersistentVolume
				metadata: {name: pv-csi-%s}
				spec:
				  capacity: {storage: 1Gi}
				  accessModes: [ReadWriteOnce]
				  csi:
				    driver: csi.example.com
				    volumeHandle: %s
				    nodePublishSecretRef: {namespace: storage, name: csi-%s}
				  claimRef: {namespace: work, name: data-csi-%s}
				""".formatted(name, name, name, name);
	}

	/** Volume "pv-NAME", bound to claim "data-NAME" (the claim itself is not needed). */
	private static String volume(String name) {
		return """
				apiVersion: v1
				kind: PersistentVolume
				metadata: {name: pv-%s}
				spec:
				  capacity: {storage: 1Gi}
				  accessModes: [ReadWriteOnce]
				  hostPath: {path: /tmp/%s}
				  claimRef: {namespace: work, name: data-%s}
				""".formatted(name, name, name);
	}

}
