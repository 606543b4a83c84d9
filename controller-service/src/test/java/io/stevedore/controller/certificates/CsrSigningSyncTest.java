package io.stevedore.controller.certificates;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approved node requests get a certificate the CA verifies; others are left or failed.
 */
class CsrSigningSyncTest {

	private static final List<String> USAGES = List.of("digital signature", "client auth");

	private final TestPki pki = new TestPki(Duration.ofDays(3650));

	private final Map<String, CertificateSigningRequest> requests = new HashMap<>();

	private final List<CertificateSigningRequest> written = new ArrayList<>();

	private final CsrSigningSync sync = new CsrSigningSync(this.requests::get,
			SigningCas.single(new ClusterSigner(this.pki.ca, this.pki.caKey.getPrivate(), Duration.ofDays(365))),
			this.written::add, Clock.systemUTC());

	@Test
	void anApprovedNodeRequestGetsACertificateTheCaVerifies() throws Exception {
		CertificateSigningRequest csr = approved(TestPki.csr("a", "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:bootstrap:x", USAGES, null));
		this.requests.put("a", csr);

		this.sync.reconcile("a");

		assertThat(this.written).hasSize(1);
		String pem = new String(Base64.getDecoder().decode(this.written.get(0).getStatus().getCertificate()),
				StandardCharsets.US_ASCII);
		var cert = ClusterSignerTest.parse(pem);
		cert.verify(this.pki.ca.getPublicKey());
		assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:n1,O=system:nodes");
		// The informer's object is not modified.
		assertThat(csr.getStatus().getCertificate()).isNull();
	}

	@Test
	void pendingOrAlreadyIssuedRequestsAreLeftAlone() {
		this.requests.put("p", TestPki.csr("p", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "system:bootstrap:x",
				USAGES, null));
		CertificateSigningRequest issued = approved(TestPki.csr("i", "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:bootstrap:x", USAGES, null));
		issued.getStatus().setCertificate("QUJD");
		this.requests.put("i", issued);

		this.sync.reconcile("p");
		this.sync.reconcile("i");

		assertThat(this.written).isEmpty();
	}

	@Test
	void anApprovedRequestTheSignerRefusesIsMarkedFailed() {
		this.requests.put("f", approved(
				TestPki.csr("f", "O=system:masters,CN=admin", TestKeys.ec(), "system:bootstrap:x", USAGES, null)));

		this.sync.reconcile("f");

		assertThat(this.written).hasSize(1);
		var failed = this.written.get(0).getStatus().getConditions().get(1);
		assertThat(failed.getType()).isEqualTo("Failed");
		assertThat(failed.getReason()).isEqualTo("SignerValidationFailure");
		assertThat(failed.getMessage()).contains("system:nodes").contains("system:node:");
		assertThat(this.written.get(0).getStatus().getCertificate()).isNull();
	}

	@Test
	void anApprovedKubeApiServerClientRequestGetsACertificateForItsUserAndGroups() throws Exception {
		this.requests.put("c", approved(TestPki.csr("c", BuiltInSigners.KUBE_APISERVER_CLIENT, "O=devs,CN=alice",
				TestKeys.ec(), "admin", List.of("client auth"))));

		this.sync.reconcile("c");

		assertThat(this.written).hasSize(1);
		var cert = ClusterSignerTest
			.parse(new String(Base64.getDecoder().decode(this.written.get(0).getStatus().getCertificate()),
					StandardCharsets.US_ASCII));
		cert.verify(this.pki.ca.getPublicKey());
		assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=devs");
		assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
	}

	@Test
	void anApprovedKubeletServingRequestWithClientAuthIsMarkedFailed() {
		this.requests.put("s",
				approved(TestPki.csr("s", BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
						TestKeys.ec(), "system:node:n1", List.of("digital signature", "server auth", "client auth"),
						TestPki.dns("n1"))));

		this.sync.reconcile("s");

		assertThat(this.written).singleElement().satisfies((csr) -> {
			assertThat(csr.getStatus().getCertificate()).isNull();
			assertThat(csr.getStatus().getConditions()).extracting((c) -> c.getType() + ":" + c.getMessage())
				.containsExactly("Approved:null",
						"Failed:usages did not match [digital signature key encipherment server auth]");
		});
	}

	@Test
	void approvedRequestsOfTheLegacyUnknownOrACustomSignerAreLeftPending() {
		this.requests.put("l", approved(TestPki.csr("l", "kubernetes.io/legacy-unknown", "CN=alice", TestKeys.ec(),
				"admin", List.of("client auth"))));
		this.requests.put("x", approved(
				TestPki.csr("x", "example.com/custom", "CN=alice", TestKeys.ec(), "admin", List.of("client auth"))));

		this.sync.reconcile("l");
		this.sync.reconcile("x");

		assertThat(this.written).isEmpty();
	}

	@Test
	void anApprovedRequestOfABuiltInSignerWithoutACaIsLeftWaiting() {
		java.nio.file.Path serving = CaFiles.write(this.pki);
		SigningCas servingOnly = SigningCas.fromProperties(
				Map.of(SigningCas.PREFIX + "kubelet-serving-cert-file", serving.resolve("ca.crt").toString(),
						SigningCas.PREFIX + "kubelet-serving-key-file", serving.resolve("ca.key").toString())::get,
				Duration.ofDays(1));
		CsrSigningSync sync = new CsrSigningSync(this.requests::get, servingOnly, this.written::add, Clock.systemUTC());
		this.requests.put("n", approved(TestPki.csr("n", "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:bootstrap:x", USAGES, null)));
		this.requests.put("s",
				approved(TestPki.csr("s", BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
						TestKeys.ec(), "system:node:n1", List.of("digital signature", "server auth"),
						TestPki.dns("n1"))));

		sync.reconcile("n");
		sync.reconcile("s");

		assertThat(this.written).singleElement()
			.satisfies((csr) -> assertThat(csr.getMetadata().getName()).isEqualTo("s"))
			.satisfies((csr) -> assertThat(csr.getStatus().getCertificate()).isNotNull());
	}

	private static CertificateSigningRequest approved(CertificateSigningRequest csr) {
		csr.getStatus()
			.getConditions()
			.add(new CertificateSigningRequestConditionBuilder().withType("Approved").withStatus("True").build());
		return csr;
	}

}
