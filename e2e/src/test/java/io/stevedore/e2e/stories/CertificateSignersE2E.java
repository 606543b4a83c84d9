package io.stevedore.e2e.stories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.stevedore.testsupport.kubectl.Kubectl;
import io.stevedore.testsupport.kubectl.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The certificates.k8s.io signers on a cluster of {@code ./stevedore up}, the whole way:
 * a CertificateSigningRequest made with openssl and kubectl, {@code kubectl certificate
 * approve} through the gateway's RBAC and CertificateApproval admission, csrsigning in
 * the controllers issuing with the cluster CA, and the gateway authenticating the issued
 * certificate as the user and groups it names.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ExtendWith(SharedStoryCluster.Extension.class)
class CertificateSignersE2E {

	private static final List<String> REQUESTS = List.of("alice-client", "bad-usage-client", "n9-serving");

	@TempDir
	static Path temp;

	static StoryCluster cluster;

	static Kubectl admin;

	@BeforeAll
	static void up(StoryCluster sharedCluster) {
		cluster = sharedCluster;
		admin = cluster.kubectl();
		// bob may read requests and write their approval, as a reviewer would, but holds
		// no approve on any signer.
		cluster.ok("create", "clusterrole", "csr-reviewer", "--verb=get,list,update",
				"--resource=certificatesigningrequests,certificatesigningrequests/approval");
		cluster.ok("create", "clusterrolebinding", "bob-reviews", "--clusterrole=csr-reviewer", "--user=bob");
	}

	@AfterAll
	static void down() {
		List<String> names = new java.util.ArrayList<>(List.of("delete", "csr", "--ignore-not-found"));
		names.addAll(REQUESTS);
		cluster.ok(names.toArray(String[]::new));
		cluster.ok("delete", "clusterrolebinding", "bob-reviews");
		cluster.ok("delete", "clusterrole", "csr-reviewer");
	}

	@Test
	void anApprovedKubeApiServerClientRequestGivesACertificateTheGatewayTakesForThatUser() throws Exception {
		Path key = temp.resolve("alice.key");
		String request = openssl(key, "/O=devs/O=qa/CN=alice");
		create("alice-client", "kubernetes.io/kube-apiserver-client", request, List.of("client auth"), 3600);

		// A reviewer without approve on the signer is refused, and nothing changes.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> admin
				.run("auth", "can-i", "update", "certificatesigningrequests", "--subresource=approval", "--as=bob")
				.succeeded());
		KubectlResult refused = admin.run("certificate", "approve", "alice-client", "--as=bob");
		assertThat(refused.exitCode()).as(refused.describe()).isNotZero();
		assertThat(refused.stderr()).contains(
				"certificatesigningrequests.certificates.k8s.io \"alice-client\" is forbidden: user not permitted to "
						+ "approve requests with signerName \"kubernetes.io/kube-apiserver-client\"");
		assertThat(field("alice-client", "{.status.conditions}")).isEmpty();
		assertThat(cluster.out("get", "csr", "alice-client")).contains("Pending");

		cluster.ok("certificate", "approve", "alice-client");
		String issued = await().atMost(Duration.ofSeconds(60))
			.until(() -> field("alice-client", "{.status.certificate}"), (certificate) -> !certificate.isEmpty());
		assertThat(cluster.out("get", "csr", "alice-client")).contains("Approved,Issued");

		Path certificate = temp.resolve("alice.crt");
		Files.write(certificate, Base64.getDecoder().decode(issued));
		Kubectl alice = kubeconfigFor("alice", certificate, key);
		KubectlResult whoami = alice.run("auth", "whoami", "-o",
				"jsonpath={.status.userInfo.username} {.status.userInfo.groups}");
		assertThat(whoami.exitCode()).as(whoami.describe()).isZero();
		assertThat(whoami.stdout()).isEqualTo("alice [\"devs\",\"qa\",\"system:authenticated\"]");
		// Authenticated, and no more: alice holds no role.
		assertThat(alice.run("get", "pods", "-n", "default").stderr())
			.contains("User \"alice\" cannot list resource \"pods\"");
	}

	@Test
	void anApprovedRequestItsSignerRefusesIsMarkedFailed() {
		String request = openssl(temp.resolve("bad.key"), "/CN=mallory");
		create("bad-usage-client", "kubernetes.io/kube-apiserver-client", request,
				List.of("client auth", "server auth"), null);
		cluster.ok("certificate", "approve", "bad-usage-client");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> field("bad-usage-client", "{.status.conditions[?(@.type==\"Failed\")].reason}"),
					"SignerValidationFailure"::equals);
		assertThat(field("bad-usage-client", "{.status.conditions[?(@.type==\"Failed\")].message}"))
			.isEqualTo("invalid usage for client certificate: server auth");
		assertThat(field("bad-usage-client", "{.status.certificate}")).isEmpty();
	}

	@Test
	void anApprovedKubeletServingRequestGetsACertificateForItsNames() throws Exception {
		Path key = temp.resolve("n9.key");
		String request = openssl(key, "/O=system:nodes/CN=system:node:n9", "-addext",
				"subjectAltName=DNS:n9.example,IP:127.0.0.9");
		create("n9-serving", "kubernetes.io/kubelet-serving", request,
				List.of("digital signature", "key encipherment", "server auth"), null);
		cluster.ok("certificate", "approve", "n9-serving");
		String issued = await().atMost(Duration.ofSeconds(60))
			.until(() -> field("n9-serving", "{.status.certificate}"), (certificate) -> !certificate.isEmpty());
		Path certificate = temp.resolve("n9.crt");
		Files.write(certificate, Base64.getDecoder().decode(issued));
		String text = run("openssl", "x509", "-in", certificate.toString(), "-noout", "-text");
		assertThat(text).contains("DNS:n9.example")
			.contains("IP Address:127.0.0.9")
			.contains("TLS Web Server Authentication");
		// A serving certificate is no client certificate: the gateway refuses it as
		// kube-apiserver does (it would otherwise pass for the node system:node:n9).
		KubectlResult asClient = kubeconfigFor("n9", certificate, key).run("auth", "whoami");
		assertThat(asClient.exitCode()).as(asClient.describe()).isNotZero();
		assertThat(asClient.stderr()).contains("Unauthorized");
	}

	/** A new EC key in {@code key} and the PEM request for {@code subject}. */
	private static String openssl(Path key, String subject, String... extra) {
		List<String> command = new java.util.ArrayList<>(List.of("openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
				"ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-subj", subject));
		command.addAll(List.of(extra));
		return run(command.toArray(String[]::new));
	}

	private static void create(String name, String signerName, String pem, List<String> usages, Integer expiration) {
		String manifest = """
				apiVersion: certificates.k8s.io/v1
				kind: CertificateSigningRequest
				metadata: {name: %s}
				spec:
				  request: %s
				  signerName: %s
				  usages: [%s]
				%s""".formatted(name, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)),
				signerName, String.join(", ", usages),
				expiration == null ? "" : "  expirationSeconds: " + expiration + "\n");
		KubectlResult created = admin.runWithInput(manifest, "create", "-f", "-");
		assertThat(created.exitCode()).as(created.describe()).isZero();
	}

	private static String field(String csr, String jsonpath) {
		return admin.run("get", "csr", csr, "-o", "jsonpath=" + jsonpath).requireSuccess().stdout().trim();
	}

	/** A kubeconfig of its own: the cluster's server and CA, this client certificate. */
	private static Kubectl kubeconfigFor(String user, Path certificate, Path key) throws IOException {
		Path home = Files.createDirectories(temp.resolve(user + "-home"));
		Path kubeconfig = home.resolve("kubeconfig");
		String server = admin.run("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
			.requireSuccess()
			.stdout()
			.trim();
		Path ca = temp.resolve("ca.crt");
		Files.write(ca,
				Base64.getDecoder()
					.decode(admin
						.run("config", "view", "--minify", "--raw", "-o",
								"jsonpath={.clusters[0].cluster.certificate-authority-data}")
						.requireSuccess()
						.stdout()
						.trim()));
		Kubectl kubectl = Kubectl.forKubeconfig(kubeconfig, home);
		kubectl
			.run("config", "set-cluster", "stevedore", "--server=" + server, "--certificate-authority=" + ca,
					"--embed-certs")
			.requireSuccess();
		kubectl
			.run("config", "set-credentials", user, "--client-certificate=" + certificate, "--client-key=" + key,
					"--embed-certs")
			.requireSuccess();
		kubectl.run("config", "set-context", "stevedore", "--cluster=stevedore", "--user=" + user).requireSuccess();
		kubectl.run("config", "use-context", "stevedore").requireSuccess();
		return kubectl;
	}

	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor()).as(String.join(" ", command) + ": " + err).isZero();
			return out;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
