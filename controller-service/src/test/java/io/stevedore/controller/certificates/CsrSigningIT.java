package io.stevedore.controller.certificates;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
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

	private static final Path CA = writeCa();

	@RegisterExtension
	static final ControlPlaneExtension plane = new ControlPlaneExtension("--stevedore.controllers.enabled=csrsigning",
			"--stevedore.controllers.cluster-signing-cert-file=" + CA.resolve("ca.crt"),
			"--stevedore.controllers.cluster-signing-key-file=" + CA.resolve("ca.key"));

	@Test
	void approvedRequestsOfEachBuiltInSignerAreIssuedOrFailedAndTheOthersLeftAlone() throws Exception {
		CertificateSigningRequest hourLong = TestPki.csr("client", BuiltInSigners.KUBE_APISERVER_CLIENT,
				"O=devs,CN=alice", TestKeys.ec(), "admin", List.of("client auth"));
		hourLong.getSpec().setExpirationSeconds(3600);
		create(hourLong, true);
		create(TestPki.csr("serving", BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1", TestKeys.ec(),
				"system:node:n1", List.of("digital signature", "server auth"), TestPki.dns("n1.local")), true);
		create(TestPki.csr("bad-serving", BuiltInSigners.KUBELET_SERVING, "O=system:nodes,CN=system:node:n1",
				TestKeys.ec(), "system:node:n1", List.of("digital signature", "server auth")), true);
		create(TestPki.csr("custom", "example.com/custom", "CN=alice", TestKeys.ec(), "admin", List.of("client auth")),
				true);
		create(TestPki.csr("pending", BuiltInSigners.KUBE_APISERVER_CLIENT, "CN=bob", TestKeys.ec(), "admin",
				List.of("client auth")), false);

		await().atMost(Duration.ofSeconds(30))
			.until(() -> certificate("client") != null && certificate("serving") != null
					&& failedMessage("bad-serving") != null);
		X509Certificate client = certificate("client");
		client.verify(PKI.ca.getPublicKey());
		assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=devs");
		// expirationSeconds under cluster-signing-duration is honoured (plus the 5 min
		// backdating).
		assertThat(Duration.between(client.getNotBefore().toInstant(), client.getNotAfter().toInstant()))
			.isEqualTo(Duration.ofMinutes(65));
		X509Certificate serving = certificate("serving");
		assertThat(serving.getSubjectAlternativeNames()).singleElement()
			.satisfies((name) -> assertThat(name.get(1)).isEqualTo("n1.local"));
		assertThat(failedMessage("bad-serving")).isEqualTo("DNS or IP subjectAltName is required");
		assertThat(get("bad-serving").getStatus().getCertificate()).isNull();
		// A signer of that name may come: the request waits for it, as in Kubernetes.
		assertThat(get("custom").getStatus().getCertificate()).isNull();
		assertThat(get("custom").getStatus().getConditions()).extracting((c) -> c.getType())
			.containsExactly("Approved");
		assertThat(get("pending").getStatus()).satisfiesAnyOf((status) -> assertThat(status).isNull(),
				(status) -> assertThat(status.getCertificate()).isNull());
	}

	private static void create(CertificateSigningRequest csr, boolean approve) {
		csr.setStatus(null);
		var requests = plane.client().certificates().v1().certificateSigningRequests();
		requests.resource(csr).create();
		if (approve) {
			requests.withName(csr.getMetadata().getName())
				.approve(new CertificateSigningRequestConditionBuilder().withType("Approved")
					.withStatus("True")
					.withReason("Test")
					.build());
		}
	}

	private static CertificateSigningRequest get(String name) {
		return plane.client().certificates().v1().certificateSigningRequests().withName(name).get();
	}

	private static X509Certificate certificate(String name) throws Exception {
		CertificateSigningRequest csr = get(name);
		if (csr.getStatus() == null || csr.getStatus().getCertificate() == null) {
			return null;
		}
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(
					new ByteArrayInputStream(Base64.getDecoder().decode(csr.getStatus().getCertificate())));
	}

	private static String failedMessage(String name) {
		CertificateSigningRequest csr = get(name);
		if (csr.getStatus() == null || csr.getStatus().getConditions() == null) {
			return null;
		}
		return csr.getStatus()
			.getConditions()
			.stream()
			.filter((c) -> "Failed".equals(c.getType()) && "SignerValidationFailure".equals(c.getReason()))
			.map((c) -> c.getMessage())
			.findFirst()
			.orElse(null);
	}

	private static Path writeCa() {
		try {
			Path dir = Files.createTempDirectory("csr-signing-ca-");
			Files.writeString(dir.resolve("ca.crt"), pem(PKI.ca));
			// PKCS#8, as the gateway writes its CA key.
			Files.writeString(dir.resolve("ca.key"),
					"-----BEGIN PRIVATE KEY-----\n"
							+ Base64.getMimeEncoder().encodeToString(PKI.caKey.getPrivate().getEncoded())
							+ "\n-----END PRIVATE KEY-----\n");
			dir.toFile().deleteOnExit();
			dir.resolve("ca.crt").toFile().deleteOnExit();
			dir.resolve("ca.key").toFile().deleteOnExit();
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String pem(Object object) throws IOException {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(object);
		}
		return out.toString();
	}

}
