package io.stevedore.client.config;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;

/**
 * A client certificate that can be replaced while the client runs, as client-go's
 * certificate manager does for the kubelet ({@code --rotate-certificates}): after
 * {@link #reload()} every new TLS connection presents the certificate and key now in the
 * configured files, without rebuilding the {@code KubernetesClient}.
 * <p>
 * The JDK HttpClient takes one {@link SSLContext} for its whole life, so it gets
 * {@link #sslContext()}, a context that opens each connection's {@link SSLEngine} from
 * the <em>current</em> real context. A reload builds a fresh real context rather than
 * only swapping the key manager inside the old one: the old context's client session
 * cache would let a new connection resume a TLS session (TLS 1.3 tickets, 1.2 session
 * ids) that the server authenticated with the old certificate, so the server would go on
 * seeing the old serial. A fresh context has an empty cache, so the next handshake is a
 * full one with the new key.
 * <p>
 * Connections opened before a reload are retired as client-go closes them
 * ({@link RetiringEngine}): the next request on one goes out on a new connection instead.
 * A response being read then (a watch) is not cut: that connection keeps the old
 * certificate until its watch ends (fabric8's informers ask for {@code timeoutSeconds} of
 * 10 min), well within the old certificate's remaining validity.
 */
public final class ReloadableClientCertificate {

	private final Config config;

	private final TrustManager[] trustManagers;

	private final AtomicReference<Loaded> current = new AtomicReference<>();

	private final SSLContext sslContext;

	private ReloadableClientCertificate(Config config) {
		this.config = config;
		try {
			this.trustManagers = SSLUtils.trustManagers(config);
		}
		catch (GeneralSecurityException | java.io.IOException ex) {
			throw new IllegalArgumentException(
					"stevedore.apiserver.ca-cert-file: cannot be read as certificates: " + ex.getMessage(), ex);
		}
		this.current.set(load());
		this.sslContext = new CurrentContext(new CurrentContextSpi(this.current), this.current.get().context);
	}

	/**
	 * Reads the client certificate and key named by the properties (and the CA they trust
	 * the server with).
	 * @throws IllegalArgumentException naming the property when a file is missing or
	 * unreadable
	 */
	public static ReloadableClientCertificate load(ApiServerClientProperties properties) {
		Config config = KubernetesClients.config(properties);
		if (config.getClientCertFile() == null) {
			throw new IllegalArgumentException("stevedore.apiserver.client-cert-file and "
					+ "stevedore.apiserver.client-key-file must be set for a reloadable client certificate");
		}
		return new ReloadableClientCertificate(config);
	}

	/**
	 * Reads the files again; new connections use what they hold from now on. On failure
	 * the current certificate stays in use.
	 * @return the certificate now in use
	 */
	public X509Certificate reload() {
		Loaded loaded = load();
		this.current.set(loaded);
		return loaded.certificate;
	}

	/** The certificate new connections present. */
	public X509Certificate certificate() {
		return this.current.get().certificate;
	}

	/** What the HTTP client is built with: it follows every {@link #reload()}. */
	public SSLContext sslContext() {
		return this.sslContext;
	}

	private Loaded load() {
		try {
			KeyManager[] keyManagers = SSLUtils.keyManagers(this.config);
			X509Certificate certificate = null;
			for (KeyManager manager : keyManagers) {
				if (manager instanceof X509KeyManager x509) {
					certificate = first(x509);
				}
			}
			if (certificate == null) {
				throw new IllegalArgumentException(
						"stevedore.apiserver.client-cert-file: no certificate in " + this.config.getClientCertFile());
			}
			return new Loaded(SSLUtils.sslContext(keyManagers, this.trustManagers), certificate);
		}
		catch (GeneralSecurityException | java.io.IOException | RuntimeException ex) {
			if (ex instanceof IllegalArgumentException) {
				throw (IllegalArgumentException) ex;
			}
			throw new IllegalArgumentException("stevedore.apiserver.client-cert-file/client-key-file: "
					+ this.config.getClientCertFile() + " and " + this.config.getClientKeyFile()
					+ " cannot be read as a certificate and its key: " + ex.getMessage(), ex);
		}
	}

	private static X509Certificate first(X509KeyManager manager) {
		for (String type : new String[] { "RSA", "EC" }) {
			String[] aliases = manager.getClientAliases(type, null);
			if (aliases != null) {
				for (String alias : aliases) {
					X509Certificate[] chain = manager.getCertificateChain(alias);
					if (chain != null && chain.length > 0) {
						return chain[0];
					}
				}
			}
		}
		return null;
	}

	private record Loaded(SSLContext context, X509Certificate certificate) {
	}

	/** Has a public constructor only for subclasses. */
	private static final class CurrentContext extends SSLContext {

		CurrentContext(SSLContextSpi spi, SSLContext first) {
			super(spi, first.getProvider(), first.getProtocol());
		}

	}

	/** Each operation on the context loaded last. */
	private static final class CurrentContextSpi extends SSLContextSpi {

		private final AtomicReference<Loaded> current;

		CurrentContextSpi(AtomicReference<Loaded> current) {
			this.current = current;
		}

		private SSLContext context() {
			return this.current.get().context;
		}

		@Override
		protected void engineInit(KeyManager[] km, TrustManager[] tm, java.security.SecureRandom sr) {
			throw new UnsupportedOperationException("initialized from the configured files");
		}

		@Override
		protected SSLSocketFactory engineGetSocketFactory() {
			return context().getSocketFactory();
		}

		@Override
		protected SSLServerSocketFactory engineGetServerSocketFactory() {
			return context().getServerSocketFactory();
		}

		@Override
		protected SSLEngine engineCreateSSLEngine() {
			Loaded loaded = this.current.get();
			return new RetiringEngine(loaded.context.createSSLEngine(), () -> this.current.get() != loaded);
		}

		@Override
		protected SSLEngine engineCreateSSLEngine(String host, int port) {
			Loaded loaded = this.current.get();
			return new RetiringEngine(loaded.context.createSSLEngine(host, port), () -> this.current.get() != loaded);
		}

		@Override
		protected SSLSessionContext engineGetServerSessionContext() {
			return context().getServerSessionContext();
		}

		@Override
		protected SSLSessionContext engineGetClientSessionContext() {
			return context().getClientSessionContext();
		}

		@Override
		protected SSLParameters engineGetDefaultSSLParameters() {
			return context().getDefaultSSLParameters();
		}

		@Override
		protected SSLParameters engineGetSupportedSSLParameters() {
			return context().getSupportedSSLParameters();
		}

	}

}
