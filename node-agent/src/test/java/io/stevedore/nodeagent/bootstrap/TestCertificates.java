package io.stevedore.nodeagent.bootstrap;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Node certificates for a key, signed by that key: what the tests need of a signer. */
final class TestCertificates {

	private TestCertificates() {
	}

	static String nodeCertificate(KeyPair key, BigInteger serial, Instant from, Instant until) {
		try {
			var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=system:node:n1"), serial, Date.from(from),
					Date.from(until), new X500Name("O=system:nodes,CN=system:node:n1"), key.getPublic());
			var cert = new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
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
