package io.stevedore.nodeagent.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.io.StringWriter;
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
import java.util.Date;

import io.fabric8.kubernetes.client.internal.CertUtils;
import io.stevedore.client.config.ApiServerClientProperties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

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
						Duration.ofSeconds(5), Duration.ofHours(1)),
				Clock.fixed(NOW, ZoneOffset.UTC));

		assertThat(bootstrap.reusable(cert, key)).isFalse();
		Files.writeString(key, request.keyPem());
		Files.writeString(cert, selfSigned(request, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(1))));
		assertThat(bootstrap.reusable(cert, key)).isTrue();
		Files.writeString(cert, selfSigned(request, NOW.minusSeconds(60), NOW.plus(Duration.ofMinutes(30))));
		assertThat(bootstrap.reusable(cert, key)).isFalse();
		Files.writeString(cert, "garbage");
		assertThat(bootstrap.reusable(cert, key)).isFalse();
	}

	private static String selfSigned(NodeCertificateRequest request, Instant from, Instant until) throws Exception {
		var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=system:node:n1"), BigInteger.TEN,
				Date.from(from), Date.from(until), new X500Name("O=system:nodes,CN=system:node:n1"),
				request.key().getPublic());
		var cert = new JcaX509CertificateConverter().getCertificate(
				builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(request.key().getPrivate())));
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(cert);
		}
		return out.toString();
	}

}
