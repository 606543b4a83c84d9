package io.stevedore.nodeagent.bootstrap;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.nodeagent.support.TestCluster;
import io.stevedore.nodeagent.support.TestCsrs;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent as it runs (its Spring wiring, the real apiserver in this JVM, the simulated
 * runtime) with a node certificate that has 20 s left of 40: it rotates within 8-16 s
 * through a CertificateSigningRequest, which this test approves and signs as
 * controller-service's csrapproving and csrsigning would, writes the new key and
 * certificate and goes on heartbeating. The apiserver here is plain HTTP (the gateway,
 * which authenticates the client certificate, is not on this classpath):
 * {@code ReloadableClientCertificateTest} shows over real TLS that the new connections
 * present the new certificate.
 */
class CertificateRotationIT {

	private static final String NODE = "rotating-node";

	@TempDir
	Path dir;

	/** What signs the certificates, as csrsigning's cluster CA. */
	private final KeyPair ca = NodeCertificateRequest.create("ca").key();

	@Test
	void theRunningAgentRenewsItsCertificateThroughACsrAndKeepsWorking() throws Exception {
		try (TestCluster cluster = TestCluster.start(this.dir)) {
			renewsAndKeepsWorking(cluster, cluster.client());
		}
	}

	private void renewsAndKeepsWorking(TestCluster cluster, KubernetesClient client) throws Exception {
		Path dir = this.dir;
		Path cert = dir.resolve("pki/node.crt");
		Path key = dir.resolve("pki/node.key");
		NodeCertificateRequest first = NodeCertificateRequest.create(NODE);
		Instant now = Instant.now();
		new NodeCertificateFiles(cert, key).write(first.keyPem(),
				TestCertificates.sign(this.ca, first.key().getPublic(), BigInteger.valueOf(100),
						new X500Name("O=system:nodes,CN=system:node:" + NODE), now.minusSeconds(20),
						now.plusSeconds(20)));
		Path token = Files.writeString(dir.resolve("token"), "abcdef.0123456789abcdef");
		var agent = cluster.startNode(NODE, "--stevedore.node.runtime=simulated",
				"--stevedore.node.bootstrap.token-file=" + token, "--stevedore.node.bootstrap.cert-file=" + cert,
				"--stevedore.node.bootstrap.key-file=" + key, "--stevedore.node.bootstrap.renew-before=1s",
				"--stevedore.node.bootstrap.certificate-duration=10m");

		CertificateSigningRequest csr = TestCsrs.await(client, NodeCertificateRequest.SIGNER, Duration.ofSeconds(40));
		assertThat(Instant.now()).as("not before 70 % of the 40 s").isAfter(now.plusSeconds(7));
		assertThat(csr.getSpec().getExpirationSeconds()).isEqualTo(600);
		PKCS10CertificationRequest request = TestCsrs.parse(csr);
		assertThat(request.getSubject()).isEqualTo(new X500Name("O=system:nodes,CN=system:node:" + NODE));

		String issued = TestCertificates.sign(this.ca, new JcaPKCS10CertificationRequest(request).getPublicKey(),
				BigInteger.valueOf(200), request.getSubject(), Instant.now().minusSeconds(300),
				Instant.now().plusSeconds(600));
		TestCsrs.approveAndIssue(client, csr.getMetadata().getName(), issued);

		NodeCertificateFiles files = new NodeCertificateFiles(cert, key);
		// Key first, then certificate: in between the pair does not match (matchingPair
		// throws), which is no failure while the agent is writing.
		await().atMost(Duration.ofSeconds(20))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(files.matchingPair().getSerialNumber()).isEqualTo(200));
		assertThat(Files.readString(cert)).isEqualTo(issued);
		assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

		// and the agent goes on: its Lease is renewed after the rotation
		Instant rotated = Instant.now();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Lease lease = client.leases().inNamespace("kube-node-lease").withName(NODE).get();
			assertThat(Instant.parse(lease.getSpec().getRenewTime().toString())).isAfter(rotated);
		});
		assertThat(client.certificates().v1().certificateSigningRequests().list().getItems()).as("asked once")
			.hasSize(1);
		// the kubelet's certificate manager metrics: the new certificate's 10 min, no
		// error
		String metrics = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
					+ agent.getEnvironment().getProperty("local.server.port") + "/actuator/prometheus"))
				.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics)
			.containsPattern("(?m)^kubelet_certificate_manager_client_ttl_seconds(\\{[^}]*\\})? 5[0-9]{2}\\.0$")
			.containsPattern(
					"(?m)^kubelet_certificate_manager_client_expiration_renew_errors_total(\\{[^}]*\\})? 0\\.0$");
	}

}
