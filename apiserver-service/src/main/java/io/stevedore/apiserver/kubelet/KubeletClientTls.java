package io.stevedore.apiserver.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * The TLS settings of the apiserver's calls to node agents, with the client certificate
 * and key reloaded when their files change, as kube-apiserver's dynamic
 * {@code --kubelet-client-certificate/--kubelet-client-key}: a certificate renewed on
 * disk is presented from the next new connection on, without a restart. At most every
 * {@code checkInterval}, at a call, both files are read and compared with the pair in
 * use; a changed pair is used only once it parses and the key matches the certificate, so
 * a half-written or mismatched pair (the certificate replaced, the key not yet) leaves
 * the pair in use, is logged once, and is tried again when the files change again. A
 * reload makes a new {@link SSLContext}: its empty session cache keeps a new connection
 * from resuming a session the agent authenticated with the old certificate. The
 * certificate authority is read once, with the first pair.
 * <p>
 * Threading: safe for concurrent use; a check is made by one caller at a time.
 */
final class KubeletClientTls {

	private static final Logger log = LoggerFactory.getLogger(KubeletClientTls.class);

	private final KubeletClientProperties properties;

	private final long checkNanos;

	private final LongSupplier nanoTime;

	private volatile Loaded current;

	private volatile long nextCheck;

	/** The files' text last refused, so that the same refusal is logged once. */
	private String refused;

	KubeletClientTls(KubeletClientProperties properties, Duration checkInterval, LongSupplier nanoTime) {
		this.properties = properties;
		this.checkNanos = checkInterval.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * The context new connections use: loaded at the first call (failing the call when
	 * the files cannot be read, and tried again at the next), then checked for new files.
	 */
	SSLContext context() throws IOException {
		Loaded loaded = this.current;
		if (loaded == null || (loaded.pair() != null && this.nanoTime.getAsLong() - this.nextCheck >= 0)) {
			synchronized (this) {
				loaded = this.current;
				if (loaded == null) {
					this.current = first();
					this.nextCheck = this.nanoTime.getAsLong() + this.checkNanos;
				}
				else if (this.nanoTime.getAsLong() - this.nextCheck >= 0) {
					this.nextCheck = this.nanoTime.getAsLong() + this.checkNanos;
					check(loaded);
				}
				loaded = this.current;
			}
		}
		return loaded.context();
	}

	/**
	 * The client certificate new connections present; null before the first call or
	 * without one.
	 */
	X509Certificate certificate() {
		Loaded loaded = this.current;
		return loaded == null || loaded.pair() == null ? null : loaded.pair().certificate();
	}

	private Loaded first() throws IOException {
		try {
			String ca = read(this.properties.certificateAuthority());
			if (KubeletClientProperties.blank(this.properties.clientCertificate())) {
				return new Loaded(context(null, ca), null, ca);
			}
			Pair pair = Pair.parse(read(this.properties.clientCertificate()), read(this.properties.clientKey()));
			return new Loaded(context(pair, ca), pair, ca);
		}
		catch (RuntimeException ex) {
			throw new IOException("the kubelet client TLS settings (stevedore.apiserver.kubelet.*) cannot be loaded: "
					+ ex.getMessage(), ex);
		}
	}

	private void check(Loaded loaded) {
		String certificate;
		String key;
		try {
			certificate = read(this.properties.clientCertificate());
			key = read(this.properties.clientKey());
		}
		catch (UncheckedIOException ex) {
			refuse(loaded, "unreadable", ex.getMessage());
			return;
		}
		if (loaded.pair().sameText(certificate, key)) {
			return;
		}
		String text = certificate + key;
		if (text.equals(this.refused)) {
			return;
		}
		try {
			Pair pair = Pair.parse(certificate, key);
			this.current = new Loaded(context(pair, loaded.ca()), pair, loaded.ca());
			this.refused = null;
			log.info("Reloaded the kubelet client certificate from {}: {} (serial {}, valid until {})",
					this.properties.clientCertificate(), pair.certificate().getSubjectX500Principal().getName(),
					pair.certificate().getSerialNumber().toString(16), pair.certificate().getNotAfter().toInstant());
		}
		catch (RuntimeException ex) {
			refuse(loaded, text, ex.getMessage());
		}
	}

	private void refuse(Loaded loaded, String text, String why) {
		if (text.equals(this.refused)) {
			return;
		}
		this.refused = text;
		log.warn("Keeping the kubelet client certificate in use (serial {}): {} and {} cannot be used yet: {}",
				loaded.pair().certificate().getSerialNumber().toString(16), this.properties.clientCertificate(),
				this.properties.clientKey(), why);
	}

	private static SSLContext context(Pair pair, String ca) {
		PemSslStoreDetails keyStore = pair == null ? null
				: PemSslStoreDetails.forCertificates(pair.certificateText()).withPrivateKey(pair.keyText());
		return SslBundle.of(new PemSslStoreBundle(keyStore, PemSslStoreDetails.forCertificates(ca))).createSslContext();
	}

	private static String read(String file) {
		try {
			return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("stevedore.apiserver.kubelet: cannot read " + file, ex);
		}
	}

	private record Loaded(SSLContext context, Pair pair, String ca) {
	}

	/** A certificate and the key that belongs to it, with the text they came from. */
	record Pair(X509Certificate certificate, String certificateText, String keyText) {

		boolean sameText(String certificate, String key) {
			return this.certificateText.equals(certificate) && this.keyText.equals(key);
		}

		/**
		 * @throws IllegalArgumentException when either does not parse or the key is not
		 * the certificate's (Go's tls.X509KeyPair refuses the same)
		 */
		static Pair parse(String certificateText, String keyText) {
			List<X509Certificate> chain;
			PrivateKey key;
			try {
				chain = PemContent.of(certificateText).getCertificates();
				key = PemContent.of(keyText).getPrivateKey();
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("not a PEM certificate and key: " + ex.getMessage(), ex);
			}
			if (chain == null || chain.isEmpty() || key == null) {
				throw new IllegalArgumentException("no certificate or no private key in the PEM text");
			}
			if (!matches(key, chain.get(0))) {
				throw new IllegalArgumentException("the private key does not match the certificate's public key");
			}
			return new Pair(chain.get(0), certificateText, keyText);
		}

		private static boolean matches(PrivateKey key, X509Certificate certificate) {
			String algorithm = switch (key.getAlgorithm()) {
				case "RSA" -> "SHA256withRSA";
				case "EC" -> "SHA256withECDSA";
				case "Ed25519", "EdDSA" -> "Ed25519";
				default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
			};
			try {
				byte[] probe = "stevedore kubelet client key check".getBytes(StandardCharsets.US_ASCII);
				Signature signer = Signature.getInstance(algorithm);
				signer.initSign(key);
				signer.update(probe);
				byte[] signature = signer.sign();
				Signature verifier = Signature.getInstance(algorithm);
				verifier.initVerify(certificate.getPublicKey());
				verifier.update(probe);
				return verifier.verify(signature);
			}
			catch (GeneralSecurityException ex) {
				return false;
			}
		}

	}

}
