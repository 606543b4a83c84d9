package io.stevedore.controller.certificates;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.stevedore.testsupport.pki.TestKeys;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A CA and node CSRs made with BouncyCastle, for the csr controllers' tests. */
final class TestPki {

	final KeyPair caKey = TestKeys.ec();

	final X509Certificate ca;

	TestPki(Duration caValidity) {
		try {
			Instant now = Instant.now();
			var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=test-ca"), BigInteger.ONE,
					Date.from(now.minusSeconds(60)), Date.from(now.plus(caValidity)), new X500Name("CN=test-ca"),
					this.caKey.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			this.ca = new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(this.caKey.getPrivate())));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A CSR object for the subject, base64 PEM as the API holds it. */
	static CertificateSigningRequest csr(String name, String subject, KeyPair key, String username, List<String> usages,
			String dnsName) {
		return csr(name, NodeClientRequest.SIGNER, subject, key, username, usages,
				dnsName == null ? new GeneralName[0] : new GeneralName[] { dns(dnsName) });
	}

	static GeneralName dns(String name) {
		return new GeneralName(GeneralName.dNSName, name);
	}

	static GeneralName ip(String address) {
		return new GeneralName(GeneralName.iPAddress, address);
	}

	/** A CSR object of that signer asking for these subject alternative names. */
	static CertificateSigningRequest csr(String name, String signerName, String subject, KeyPair key, String username,
			List<String> usages, GeneralName... altNames) {
		try {
			var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic());
			if (altNames.length > 0) {
				ExtensionsGenerator extensions = new ExtensionsGenerator();
				extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
				builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
			}
			String algorithm = "RSA".equals(key.getPublic().getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
			var request = builder.build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate()));
			StringWriter out = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
				writer.writeObject(request);
			}
			return new CertificateSigningRequestBuilder().withNewMetadata()
				.withName(name)
				.endMetadata()
				.withNewSpec()
				.withRequest(Base64.getEncoder().encodeToString(out.toString().getBytes(StandardCharsets.US_ASCII)))
				.withSignerName(signerName)
				.withUsages(usages)
				.withUsername(username)
				.withGroups(List.of("system:bootstrappers", "system:authenticated"))
				.endSpec()
				.withNewStatus()
				.endStatus()
				.build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
