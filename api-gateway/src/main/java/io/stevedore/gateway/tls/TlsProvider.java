package io.stevedore.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation the gateway's server speaks with: BoringSSL (netty-tcnative,
 * statically linked, a dependency of this module) when its native library loads on this
 * machine, else the JDK's SSLEngine. BoringSSL costs far less CPU per record and per
 * handshake; a GET through the gateway's fast path spent 17 % of its CPU in the JDK's
 * TLS. Reactor Netty takes the gateway's own SslContext as built, so the choice made here
 * is the one in force.
 */
public final class TlsProvider {

	private static final Logger logger = LoggerFactory.getLogger(TlsProvider.class);

	private static volatile SslProvider chosen;

	private TlsProvider() {
	}

	/** The provider for this process, decided (and logged) once. */
	public static SslProvider chosen() {
		SslProvider provider = chosen;
		if (provider == null) {
			synchronized (TlsProvider.class) {
				provider = chosen;
				if (provider == null) {
					provider = choose(OpenSsl.isAvailable(), SslProvider.isAlpnSupported(SslProvider.OPENSSL),
							OpenSsl.unavailabilityCause());
					chosen = provider;
				}
			}
		}
		return provider;
	}

	/**
	 * OpenSSL only when it loaded and offers ALPN (kubectl negotiates h2 by ALPN, so a
	 * provider without it would cost more than it saves).
	 * @param unavailabilityCause why the native library did not load, or null
	 */
	static SslProvider choose(boolean openSslAvailable, boolean alpnSupported, Throwable unavailabilityCause) {
		if (openSslAvailable && alpnSupported) {
			logger.info("TLS by OpenSSL (" + OpenSsl.versionString() + ")");
			return SslProvider.OPENSSL;
		}
		String why = !openSslAvailable
				? "netty-tcnative did not load: "
						+ (unavailabilityCause == null ? "unknown cause" : unavailabilityCause)
				: "its ALPN is unavailable";
		logger.warn("TLS by the JDK, not OpenSSL (" + why + "); the gateway works the same, at a higher CPU cost");
		return SslProvider.JDK;
	}

}
