package io.stevedore.gateway.admission.certificates;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import io.fabric8.kubernetes.client.utils.Serialization;
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
 * The approve and sign verbs on signers and the system:masters restriction, with the real
 * kubectl through the gateway to the real apiserver (admission on). alice may create
 * requests; bob may update their approval and status subresources (RBAC lets the write
 * through) but holds no verb on any signer until a test binds one.
 */
class CertificateSignersIT {

	private static final String CLIENT = "kubernetes.io/kube-apiserver-client";

	@TempDir
	static Path directory;

	static GatewayCluster cluster;

	static Kubectl admin;

	static Kubectl alice;

	static Kubectl bob;

	@BeforeAll
	static void start() {
		cluster = GatewayCluster.startWithAdmission(directory,
				StaticTokens.file(directory, "alice-token,alice,1001,\"devs\"", "bob-token,bob,1002,\"ops\""));
		admin = cluster.adminKubectl(directory.resolve("admin-home"));
		alice = cluster.kubectlWithToken("alice-token");
		bob = cluster.kubectlWithToken("bob-token");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> admin.run("get", "clusterrole", "system:certificates.k8s.io:kube-apiserver-client-approver")
				.succeeded());
		admin
			.run("create", "clusterrole", "csr-requester", "--verb=create,get,list",
					"--resource=certificatesigningrequests")
			.requireSuccess();
		admin.run("create", "clusterrolebinding", "alice-requests", "--clusterrole=csr-requester", "--user=alice")
			.requireSuccess();
		admin
			.run("create", "clusterrole", "csr-decider", "--verb=get,list,update,patch",
					"--resource=certificatesigningrequests,certificatesigningrequests/approval,"
							+ "certificatesigningrequests/status")
			.requireSuccess();
		admin.run("create", "clusterrolebinding", "bob-decides", "--clusterrole=csr-decider", "--user=bob")
			.requireSuccess();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> alice.run("auth", "can-i", "create", "certificatesigningrequests").succeeded()
					&& bob.run("auth", "can-i", "update", "certificatesigningrequests", "--subresource=approval")
						.succeeded());
	}

	@AfterAll
	static void stop() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void approvingWithoutApproveOnTheSignerIsForbiddenAndTheRequestStaysPendingUntilTheApproverRoleIsBound() {
		create("carol-client", CLIENT, "O=devs,CN=carol");

		KubectlResult refused = bob.run("certificate", "approve", "carol-client").requireFailure();
		assertThat(refused.stderr()).contains(
				"certificatesigningrequests.certificates.k8s.io \"carol-client\" is forbidden: user not permitted to "
						+ "approve requests with signerName \"kubernetes.io/kube-apiserver-client\"");
		assertThat(conditions("carol-client")).isEmpty();

		admin
			.run("create", "clusterrolebinding", "bob-approves-clients",
					"--clusterrole=system:certificates.k8s.io:kube-apiserver-client-approver", "--user=bob")
			.requireSuccess();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(bob.run("certificate", "approve", "carol-client").succeeded()).isTrue());
		assertThat(conditions("carol-client")).isEqualTo("Approved");

		// The approver role is for that signer only.
		create("dave-serving", "kubernetes.io/kubelet-serving", "O=system:nodes,CN=system:node:dave");
		assertThat(bob.run("certificate", "deny", "dave-serving").requireFailure().stderr())
			.contains("user not permitted to approve requests with signerName \"kubernetes.io/kubelet-serving\"");
		assertThat(conditions("dave-serving")).isEmpty();
	}

	@Test
	void writingTheCertificateNeedsSignOnTheSigner() throws IOException {
		create("erin-client", CLIENT, "CN=erin");
		admin.run("certificate", "approve", "erin-client").requireSuccess();
		String certificate = Base64.getEncoder()
			.encodeToString(Files.readAllBytes(cluster.stateDir().resolve("ca.crt")));
		String patch = "{\"status\":{\"certificate\":\"" + certificate + "\"}}";

		KubectlResult refused = bob
			.run("patch", "csr", "erin-client", "--subresource=status", "--type=merge", "-p", patch)
			.requireFailure();
		assertThat(refused.stderr()).contains("\"erin-client\" is forbidden: user not permitted to sign requests "
				+ "with signerName \"kubernetes.io/kube-apiserver-client\"");
		assertThat(admin.run("get", "csr", "erin-client", "-o", "jsonpath={.status.certificate}").stdout()).isEmpty();

		// signers is no served resource (kubectl create clusterrole cannot resolve it,
		// as with Kubernetes): the role is written out.
		admin.runWithInput("""
				apiVersion: rbac.authorization.k8s.io/v1
				kind: ClusterRole
				metadata: {name: kubernetes-io-signer}
				rules:
				- apiGroups: [certificates.k8s.io]
				  resources: [signers]
				  resourceNames: ["kubernetes.io/*"]
				  verbs: [sign]
				""", "create", "-f", "-").requireSuccess();
		admin.run("create", "clusterrolebinding", "bob-signs", "--clusterrole=kubernetes-io-signer", "--user=bob")
			.requireSuccess();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(
					bob.run("patch", "csr", "erin-client", "--subresource=status", "--type=merge", "-p", patch)
						.succeeded())
				.isTrue());
		assertThat(admin.run("get", "csr", "erin-client").stdout()).contains("Approved,Issued");
	}

	@Test
	void aKubeApiServerClientRequestForSystemMastersIsForbiddenAndNotStored() {
		KubectlResult refused = alice.runWithInput(json("root-client", CLIENT, "O=system:masters,CN=root"), "create",
				"-f", "-");
		assertThat(refused.exitCode()).isNotZero();
		assertThat(refused.stderr()).contains("certificatesigningrequests.certificates.k8s.io \"root-client\" is "
				+ "forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed");
		assertThat(admin.run("get", "csr", "root-client").requireFailure().stderr()).contains("NotFound");
	}

	@Test
	void theLegacyUnknownSignerIsRefusedNamingTheField() {
		KubectlResult refused = alice.runWithInput(json("old-style", "kubernetes.io/legacy-unknown", "CN=alice"),
				"create", "-f", "-");
		assertThat(refused.exitCode()).isNotZero();
		assertThat(refused.stderr()).contains("spec.signerName")
			.contains("the legacy signerName is not allowed via this API version");
		assertThat(admin.run("get", "csr", "old-style").requireFailure().stderr()).contains("NotFound");
	}

	private static void create(String name, String signerName, String subject) {
		alice.runWithInput(json(name, signerName, subject), "create", "-f", "-").requireSuccess();
	}

	private static String json(String name, String signerName, String subject) {
		return Serialization.asJson(SignerRbac.csr(name, signerName, subject));
	}

	private static String conditions(String name) {
		return admin.run("get", "csr", name, "-o", "jsonpath={.status.conditions[*].type}").requireSuccess().stdout();
	}

}
