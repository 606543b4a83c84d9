package io.stevedore.gateway.admission.serviceaccount;

import java.nio.file.Path;
import java.time.Duration;

import io.stevedore.gateway.support.GatewayCluster;
import io.stevedore.gateway.support.StaticTokens;
import io.stevedore.testsupport.kubectl.Kubectl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token volume end to end up to the node, with the real kubectl, gateway and
 * apiserver: a pod created with the volume turned on gets the kube-api-access volume from
 * admission, its node asks the TokenRequest API for a token bound to the pod (the same
 * request the node agent's FabricTokenRequests sends), and the token authenticates as the
 * pod's ServiceAccount.
 */
class KubeApiAccessVolumeIT {

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	static Kubectl node;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory,
				StaticTokens.file(directory, "n1-token,system:node:n1,n1,\"system:nodes\""),
				"--stevedore.gateway.admission.service-account-token-volume=true");
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		node = cluster.kubectlWithToken("n1-token");
		await().atMost(Duration.ofSeconds(30)).until(() -> admin.run("get", "clusterrole", "system:node").succeeded());
		admin.run("create", "namespace", "apps").requireSuccess();
		admin.run("create", "serviceaccount", "default", "-n", "apps").requireSuccess();
		admin.runWithInput("""
				apiVersion: v1
				kind: Node
				metadata: {name: n1}
				---
				apiVersion: v1
				kind: Pod
				metadata: {name: reader, namespace: apps}
				spec:
				  nodeName: n1
				  initContainers:
				  - {name: prepare, image: busybox, command: ["true"]}
				  containers:
				  - {name: main, image: busybox, command: ["sleep", "3600"]}
				""", "create", "-f", "-").requireSuccess();
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aPodGetsTheVolumeAndItsNodesBoundTokenIsThePodsServiceAccount() {
		String volume = admin.run("get", "pod", "reader", "-n", "apps", "-o", "jsonpath={.spec.volumes[0].name}")
			.requireSuccess()
			.stdout();
		assertThat(volume).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
		assertThat(admin
			.run("get", "pod", "reader", "-n", "apps", "-o",
					"jsonpath={.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds} "
							+ "{.spec.volumes[0].projected.sources[1].configMap.name} "
							+ "{.spec.volumes[0].projected.sources[2].downwardAPI.items[0].fieldRef.fieldPath} "
							+ "{.spec.volumes[0].projected.defaultMode}")
			.requireSuccess()
			.stdout()).isEqualTo("3607 kube-root-ca.crt metadata.namespace 420");
		assertThat(admin
			.run("get", "pod", "reader", "-n", "apps", "-o",
					"jsonpath={.spec.initContainers[0].volumeMounts[0].mountPath} "
							+ "{.spec.containers[0].volumeMounts[0].mountPath} "
							+ "{.spec.containers[0].volumeMounts[0].readOnly}")
			.requireSuccess()
			.stdout())
			.isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount "
					+ "/var/run/secrets/kubernetes.io/serviceaccount true");

		String uid = admin.run("get", "pod", "reader", "-n", "apps", "-o", "jsonpath={.metadata.uid}")
			.requireSuccess()
			.stdout();
		String token = node
			.run("create", "token", "default", "-n", "apps", "--duration", "3607s", "--bound-object-kind", "Pod",
					"--bound-object-name", "reader", "--bound-object-uid", uid)
			.requireSuccess()
			.stdout()
			.strip();
		Kubectl pod = cluster.kubectl(directory.resolve("pod-home"), "token: " + token);
		assertThat(pod.run("auth", "whoami", "-o", "json").requireSuccess().stdout())
			.contains("\"username\": \"system:serviceaccount:apps:default\"")
			.contains("reader");
	}

}
