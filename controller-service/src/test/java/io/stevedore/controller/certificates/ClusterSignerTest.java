package io.stevedore.controller.certificates;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.stevedore.testsupport.pki.TestKeys;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Certificates the signer issues verify against the CA and carry what was asked. */
class ClusterSignerTest {

	private static final List<String> USAGES = List.of("digital signature", "client auth");

	private final TestPki pki = new TestPki(Duration.ofDays(3650));

	@Test
	void theCertificateIsTheRequestsSubjectAndKeySignedByTheCa() throws Exception {
		KeyPair node = TestKeys.ec();
		var request = NodeClientRequest
			.parse(TestPki.csr("c", "O=system:nodes,CN=system:node:n1", node, "u", USAGES, null));
		Instant now = Instant.now();

		X509Certificate cert = parse(new ClusterSigner(this.pki.ca, this.pki.caKey.getPrivate(), Duration.ofDays(365))
			.sign(request, null, USAGES, now));

		cert.verify(this.pki.ca.getPublicKey());
		assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:n1,O=system:nodes");
		assertThat(cert.getPublicKey()).isEqualTo(node.getPublic());
		assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
		assertThat(cert.getBasicConstraints()).isEqualTo(-1);
		assertThat(cert.getNotBefore().toInstant())
			.isEqualTo(now.minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
		assertThat(Duration.between(now, cert.getNotAfter().toInstant()).toDays()).isEqualTo(364);
	}

	@Test
	void theDurationIsTheRequestedOneCappedByTheMaximumAndTheCa() throws Exception {
		var request = NodeClientRequest
			.parse(TestPki.csr("c", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "u", USAGES, null));
		Instant now = Instant.now();
		ClusterSigner signer = new ClusterSigner(this.pki.ca, this.pki.caKey.getPrivate(), Duration.ofHours(2));

		assertThat(hours(parse(signer.sign(request, 3600, USAGES, now)), now)).isEqualTo(1);
		assertThat(hours(parse(signer.sign(request, 86_400, USAGES, now)), now)).isEqualTo(2);

		TestPki shortCa = new TestPki(Duration.ofMinutes(30));
		X509Certificate capped = parse(new ClusterSigner(shortCa.ca, shortCa.caKey.getPrivate(), Duration.ofDays(1))
			.sign(request, null, USAGES, now));
		assertThat(capped.getNotAfter()).isEqualTo(shortCa.ca.getNotAfter());
	}

	@Test
	void aRequestedDurationUnderTenMinutesBecomesTenMinutes() throws Exception {
		var request = NodeClientRequest
			.parse(TestPki.csr("c", "O=system:nodes,CN=system:node:n1", TestKeys.ec(), "u", USAGES, null));
		Instant now = Instant.now();
		X509Certificate cert = parse(new ClusterSigner(this.pki.ca, this.pki.caKey.getPrivate(), Duration.ofHours(2))
			.sign(request, 60, USAGES, now));
		assertThat(Duration.between(now, cert.getNotAfter().toInstant().plusSeconds(1)).toMinutes()).isEqualTo(10);
	}

	@Test
	void theRequestedDnsAndIpNamesAndServerAuthAreInTheCertificate() throws Exception {
		var request = NodeClientRequest.parse(TestPki.csr("s", BuiltInSigners.KUBELET_SERVING,
				"O=system:nodes,CN=system:node:n1", TestKeys.ec(), "system:node:n1",
				List.of("digital signature", "server auth"), TestPki.dns("n1.example"), TestPki.ip("127.0.0.2")));
		X509Certificate cert = parse(new ClusterSigner(this.pki.ca, this.pki.caKey.getPrivate(), Duration.ofHours(2))
			.sign(request, null, List.of("digital signature", "server auth"), Instant.now()));
		assertThat(cert.getSubjectAlternativeNames().stream().map((name) -> name.get(1).toString()))
			.containsExactlyInAnyOrder("n1.example", "127.0.0.2");
		assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
	}

	private static long hours(X509Certificate cert, Instant now) {
		return Duration.between(now, cert.getNotAfter().toInstant().plusSeconds(1)).toHours();
	}

	static X509Certificate parse(String pem) throws Exception {
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
	}

}
