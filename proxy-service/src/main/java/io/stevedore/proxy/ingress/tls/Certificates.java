package io.stevedore.proxy.ingress.tls;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.net.ssl.SSLException;

import io.fabric8.kubernetes.api.model.Secret;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.netty.util.Mapping;
import io.stevedore.proxy.ingress.route.Problem;
import io.stevedore.proxy.ingress.route.RouteTable;

/**
 * The server certificates of the HTTPS port: one {@link SslContext} per TLS Secret
 * ({@code tls.crt} chain, {@code tls.key} in PKCS#8, PKCS#1 or SEC1 PEM), built when the
 * Secret's resourceVersion changes, chosen per connection by the SNI name through the
 * current {@link RouteTable}; a self-signed certificate (as ingress-nginx's "fake
 * certificate") for names without one and for clients sending no SNI.
 */
public final class Certificates implements Mapping<String, SslContext> {

	private final SslContext fallback;

	private final Supplier<RouteTable> routes;

	private final Map<String, Entry> contexts = new ConcurrentHashMap<>();

	private record Entry(String resourceVersion, SslContext context, Problem problem) {
	}

	public Certificates(Supplier<RouteTable> routes) {
		this.routes = routes;
		try {
			SelfSignedCertificate self = new SelfSignedCertificate("stevedore-ingress-default.invalid");
			this.fallback = SslContextBuilder.forServer(self.certificate(), self.privateKey()).build();
			self.delete();
		}
		catch (CertificateException | SSLException ex) {
			throw new IllegalStateException("cannot make the Ingress's default certificate: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Checks (and caches) the Secret {@code key}; returns why it cannot serve, or null.
	 * Called by the sync loop for every Secret an Ingress names, so the handshake only
	 * looks up.
	 */
	public Problem load(String key, Secret secret) {
		if (secret == null) {
			this.contexts.remove(key);
			return new Problem("SecretNotFound", "secret " + key + " not found");
		}
		String version = secret.getMetadata().getResourceVersion();
		Entry entry = this.contexts.get(key);
		if (entry == null || !java.util.Objects.equals(entry.resourceVersion(), version)) {
			entry = build(key, secret);
			this.contexts.put(key, entry);
		}
		return entry.problem();
	}

	/** Forgets Secrets no Ingress names any more. */
	public void retain(java.util.Set<String> keys) {
		this.contexts.keySet().retainAll(keys);
	}

	private static Entry build(String key, Secret secret) {
		String version = secret.getMetadata().getResourceVersion();
		Map<String, String> data = (secret.getData() == null) ? Map.of() : secret.getData();
		String crt = data.get("tls.crt");
		String pem = data.get("tls.key");
		if (crt == null || pem == null) {
			return new Entry(version, null, new Problem("InvalidSecret",
					"secret " + key + " has no tls.crt and tls.key (type " + secret.getType() + ")"));
		}
		try {
			SslContext context = SslContextBuilder
				.forServer(new ByteArrayInputStream(Base64.getDecoder().decode(crt)),
						new ByteArrayInputStream(Base64.getDecoder().decode(pem)))
				.build();
			return new Entry(version, context, null);
		}
		catch (IllegalArgumentException | SSLException ex) {
			return new Entry(version, null, new Problem("InvalidSecret",
					"secret " + key + " does not hold a usable certificate and key: " + ex.getMessage()));
		}
	}

	/** The context for an SNI name (null when the client sent none). */
	@Override
	public SslContext map(String serverName) {
		String secret = this.routes.get().certificate(serverName);
		if (secret != null) {
			Entry entry = this.contexts.get(secret);
			if (entry != null && entry.context() != null) {
				return entry.context();
			}
		}
		return this.fallback;
	}

}
