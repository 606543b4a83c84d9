package io.stevedore.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts for talking to the gateway: trusting the cluster CA, and presenting a
 * client certificate issued from it with openssl, as {@code ./stevedore up} issues the
 * components' (scripts/lib/identities.sh: RSA 2048, clientAuth).
 */
final class ClientCertificate {

	private ClientCertificate() {
	}

	/** Trusts the cluster CA only, as the admin kubeconfig does. */
	static SSLContext trusting(Path caCertificate) throws Exception {
		return context(caCertificate, null);
	}

	/**
	 * Issues a certificate for {@code user} (CN, no groups) in {@code directory} and
	 * returns a context that presents it and trusts the CA.
	 */
	static SSLContext issue(Path pki, String user, Path directory) throws Exception {
		Path key = directory.resolve(user + ".key");
		Path certificate = directory.resolve(user + ".crt");
		Path extensions = directory.resolve(user + ".ext");
		Files.writeString(extensions, "basicConstraints=critical,CA:FALSE\n"
				+ "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
		run("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-subj",
				"/CN=" + user, "-out", directory.resolve(user + ".csr").toString());
		run("openssl", "x509", "-req", "-in", directory.resolve(user + ".csr").toString(), "-CA",
				pki.resolve("ca.crt").toString(), "-CAkey", pki.resolve("ca.key").toString(), "-set_serial", "1",
				"-days", "1", "-sha256", "-extfile", extensions.toString(), "-out", certificate.toString());
		KeyStore identity = KeyStore.getInstance("PKCS12");
		identity.load(null, null);
		String pem = Files.readString(key).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		PrivateKey privateKey = KeyFactory.getInstance("RSA")
			.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
		identity.setKeyEntry(user, privateKey, new char[0], new Certificate[] { read(certificate) });
		return context(pki.resolve("ca.crt"), identity);
	}

	private static SSLContext context(Path caCertificate, KeyStore identity) throws Exception {
		KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
		trusted.load(null, null);
		trusted.setCertificateEntry("cluster-ca", read(caCertificate));
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		KeyManagerFactory keys = null;
		if (identity != null) {
			keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(identity, new char[0]);
		}
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
		return context;
	}

	private static Certificate read(Path file) throws IOException, java.security.cert.CertificateException {
		try (InputStream in = Files.newInputStream(file)) {
			return CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (process.waitFor() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
		}
	}

}
