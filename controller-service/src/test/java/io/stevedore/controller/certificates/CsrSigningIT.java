package io.stevedore.controller.certificates;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.controller.support.ControlPlaneExtension;
import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * csrsigning alone against the real apiserver, with a CA in files as
 * {@code ./stevedore up} gives it: each built-in signer's approved request is issued or
 * failed, a pending one and one of an unknown signer are left alone.
 */
class CsrSigningIT {

	private static final TestPki PKI = new TestPki(Duration.ofDays(30));

	private static final Path CA = CaFiles.write(PKI);

	@RegisterExtension
	static final ControlPlaneExtension plane = new ControlPlaneExtension("--stevedore.controllers.enabled=csrsigning",
			"--stevedore.controllers.cluster-signing-cert-file=" + CA.resolve("ca.crt"),
			"--stevedore.controllers.cluster-signing-key-file=" + CA.resolve("ca.key"));

	private final CsrRequests requests = new CsrRequests(plane.client());

	@Test
	void approvedRequestsOfEachBuiltInSignerAreIssuedOrFailedAndTheOthersLeftAlone() throws Exception {
		CertificateSigningRequest hourLong = TestPki.csr("client", BuiltInSigners.KUBE_APISERVER_CLIENT,
				"O=devs,CN=alice", TestKeys.ec(), "admin", List.of("client auth"));
		hourLong.getSpec().setExpirationSeconds(3600);
		this.requests.create(hourLong, true);
		this.requests.create(TestPki.csr("serving", BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
				TestKeys.ec(), "system:node:n1", List.of("digital signature", "server auth"), TestPki.dns("n1.local")),
				true);
		this.requests
			.create(TestPki.csr("bad-serving", BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
					TestKeys.ec(), "system:node:n1", List.of("digital signature", "server auth")), true);
		this.requests.create(
				TestPki.csr("custom", "example.com/custom", "CN=alice", TestKeys.ec(), "admin", List.of("client auth")),
				true);
		this.requests.create(TestPki.csr("pending", BuiltInSigners.KUBE_APISERVER_CLIENT, "CN=bob", TestKeys.ec(),
				"admin", List.of("client auth")), false);

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.requests.certificate("client") != null && this.requests.certificate("serving") != null
					&& this.requests.failedMessage("bad-serving") != null);
		X509Certificate client = this.requests.certificate("client");
		client.verify(PKI.ca.getPublicKey());
		assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=devs");
		// expirationSeconds under cluster-signing-duration is honoured (plus the 5 min
		// backdating).
		assertThat(Duration.between(client.getNotBefore().toInstant(), client.getNotAfter().toInstant()))
			.isEqualTo(Duration.ofMinutes(65));
		X509Certificate serving = this.requests.certificate("serving");
		assertThat(serving.getSubjectAlternativeNames()).singleElement()
			.satisfies((name) -> assertThat(name.get(1)).isEqualTo("n1.local"));
		assertThat(this.requests.failedMessage("bad-serving")).isEqualTo("DNS or IP subjectAltName is required");
		assertThat(this.requests.get("bad-serving").getStatus().getCertificate()).isNull();
		// A signer of that name may come: the request waits for it, as in Kubernetes.
		assertThat(this.requests.get("custom").getStatus().getCertificate()).isNull();
		assertThat(this.requests.get("custom").getStatus().getConditions()).extracting((c) -> c.getType())
			.containsExactly("Approved");
		assertThat(this.requests.get("pending").getStatus()).satisfiesAnyOf((status) -> assertThat(status).isNull(),
				(status) -> assertThat(status.getCertificate()).isNull());
	}

}
