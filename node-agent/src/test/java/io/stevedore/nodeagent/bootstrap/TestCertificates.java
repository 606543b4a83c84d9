package io.stevedore.nodeagent.bootstrap;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Node certificates as PEM: what the tests need of a signer. */
final class TestCertificates {

	static final X500Name NODE_N1 = new X500Name("O=system:nodes,CN=system:node:n1");

	private TestCertificates() {
	}

	/** For {@code system:node:n1}, signed by its own key. */
	static String nodeCertificate(KeyPair key, BigInteger serial, Instant from, Instant until) {
		return sign(key, key.getPublic(), serial, NODE_N1, from, until);
	}

	/** Signed by {@code ca}'s key. */
	static String sign(KeyPair ca, PublicKey subjectKey, BigInteger serial, X500Name subject, Instant from,
			Instant until) {
		try {
			var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=test-cluster-ca"), serial, Date.from(from),
					Date.from(until), subject, subjectKey);
			var cert = new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.getPrivate())));
			StringWriter out = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
				writer.writeObject(cert);
			}
			return out.toString();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
