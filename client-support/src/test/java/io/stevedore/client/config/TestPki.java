package io.stevedore.client.config;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.stevedore.testsupport.pki.TestKeys;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA and the certificates it signs, for real TLS handshakes in tests. */
final class TestPki {

	private static final char[] PASSWORD = "changeit".toCharArray();

	final KeyPair caKey = TestKeys.rsa();

	final X509Certificate ca = sign(new X500Name("CN=test-ca"), BigInteger.ONE, this.caKey, true, false);

	X509Certificate sign(X500Name subject, BigInteger serial, KeyPair key, boolean ca, boolean loopbackServer) {
		try {
			Instant now = Instant.now();
			var builder = new JcaX509v3CertificateBuilder(ca ? subject : new X500Name("CN=test-ca"), serial,
					Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), subject, key.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
			if (loopbackServer) {
				builder.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
			}
			var signingKey = ca ? key.getPrivate() : this.caKey.getPrivate();
			return new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signingKey)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A client certificate for the key with this serial, written as PEM files. */
	void writeClient(BigInteger serial, KeyPair key, Path certFile, Path keyFile) throws IOException {
		Files.writeString(certFile,
				pem(sign(new X500Name("O=system:nodes,CN=system:node:n1"), serial, key, false, false)));
		Files.writeString(keyFile, pem(new JcaPKCS8Generator(key.getPrivate(), null).generate()));
	}

	/** A server context for 127.0.0.1 that trusts the CA for client certificates. */
	SSLContext serverContext() throws Exception {
		KeyPair key = TestKeys.rsa();
		X509Certificate cert = sign(new X500Name("CN=127.0.0.1"), BigInteger.TWO, key, false, true);
		KeyStore keys = KeyStore.getInstance("PKCS12");
		keys.load(null, null);
		keys.setKeyEntry("server", key.getPrivate(), PASSWORD, new X509Certificate[] { cert, this.ca });
		KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		kmf.init(keys, PASSWORD);
		SSLContext context = SSLContext.getInstance("TLSv1.3");
		context.init(kmf.getKeyManagers(), trustManagers().getTrustManagers(), null);
		return context;
	}

	TrustManagerFactory trustManagers() throws Exception {
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("ca", this.ca);
		TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		tmf.init(trusted);
		return tmf;
	}

	static String pem(Object object) throws IOException {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(object);
		}
		return out.toString();
	}

}
