package io.stevedore.nodeagent.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import io.fabric8.kubernetes.client.internal.CertUtils;
import io.stevedore.client.config.ApiServerClientProperties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The node's request and key (fabric8 must read the key it writes) and when a certificate
 * on disk is reused.
 */
class TlsBootstrapTest {

	private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

	@TempDir
	Path dir;

	@Test
	void theRequestIsForTheNodeSignedByItsKeyWithTheKubeletUsages() throws Exception {
		NodeCertificateRequest request = NodeCertificateRequest.create("n1");

		String pem = new String(Base64.getDecoder().decode(request.csr().getSpec().getRequest()),
				StandardCharsets.US_ASCII);
		PKCS10CertificationRequest parsed = (PKCS10CertificationRequest) new PEMParser(new StringReader(pem))
			.readObject();
		assertThat(parsed.getSubject()).isEqualTo(new X500Name("O=system:nodes,CN=system:node:n1"));
		assertThat(parsed
			.isSignatureValid(new JcaContentVerifierProviderBuilder().build(parsed.getSubjectPublicKeyInfo())))
			.isTrue();
		assertThat(request.csr().getSpec().getSignerName()).isEqualTo("kubernetes.io/kube-apiserver-client-kubelet");
		assertThat(request.csr().getSpec().getUsages()).containsExactly("digital signature", "key encipherment",
				"client auth");
		assertThat(request.csr().getMetadata().getGenerateName()).isEqualTo("node-csr-");
		assertThat(request.csr().getSpec().getExpirationSeconds()).isNull();
		assertThat(NodeCertificateRequest.create("n1", Duration.ofMinutes(15)).csr().getSpec().getExpirationSeconds())
			.isEqualTo(900);
	}

	@Test
	void aCertificateDurationUnderTenMinutesIsRefusedNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BootstrapProperties("t", "c", "k", Duration.ofMinutes(5), Duration.ofHours(1), true,
					Duration.ofMinutes(9)))
			.withMessage("stevedore.node.bootstrap.certificate-duration must be at least 10m "
					+ "(spec.expirationSeconds >= 600), got PT9M");
	}

	@Test
	void fabric8ReadsTheKeyItWritesWithACertificate() throws Exception {
		NodeCertificateRequest request = NodeCertificateRequest.create("n1");
		String cert = selfSigned(request, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1)));

		KeyStore store = CertUtils.createKeyStore(new ByteArrayInputStream(cert.getBytes(StandardCharsets.US_ASCII)),
				new ByteArrayInputStream(request.keyPem().getBytes(StandardCharsets.US_ASCII)), "RSA",
				"changeit".toCharArray(), null, "changeit".toCharArray());

		assertThat(store.size()).isEqualTo(1);
		assertThat(request.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
	}

	@Test
	void aValidCertificateIsReusedOneNearItsEndOrMissingIsNot() throws Exception {
		NodeCertificateRequest request = NodeCertificateRequest.create("n1");
		Path cert = this.dir.resolve("node.crt");
		Path key = this.dir.resolve("node.key");
		TlsBootstrap bootstrap = new TlsBootstrap(ApiServerClientProperties.forUrl("https://127.0.0.1:1"),
				new BootstrapProperties(this.dir.resolve("token").toString(), cert.toString(), key.toString(),
						Duration.ofSeconds(5), Duration.ofHours(1), true, null),
				Clock.fixed(NOW, ZoneOffset.UTC));

		assertThat(bootstrap.reusable()).isFalse();
		Files.writeString(key, request.keyPem());
		Files.writeString(cert, selfSigned(request, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1))));
		assertThat(bootstrap.reusable()).isTrue();
		Files.writeString(cert, selfSigned(request, NOW.minusSeconds(60), NOW.plus(Duration.ofMinutes(30))));
		assertThat(bootstrap.reusable()).isFalse();
		Files.writeString(cert, selfSigned(request, NOW.minusSeconds(7200), NOW.minusSeconds(60)));
		assertThat(bootstrap.reusable()).as("expired").isFalse();
		Files.writeString(cert, "garbage");
		assertThat(bootstrap.reusable()).isFalse();
		// stopped between writing the new key and the new certificate
		Files.writeString(cert, selfSigned(request, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1))));
		Files.writeString(key, NodeCertificateRequest.create("n1").keyPem());
		assertThat(bootstrap.reusable()).as("a key that is not the certificate's").isFalse();
	}

	private static String selfSigned(NodeCertificateRequest request, Instant from, Instant until) {
		return TestCertificates.nodeCertificate(request.key(), BigInteger.TEN, from, until);
	}

}
