package io.stevedore.apiserver.kubelet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The connections the apiserver opens to node agents (logs, exec/attach/port-forward,
 * resource metrics): plain, or TLS with the apiserver's kubelet client certificate and
 * the agent's certificate checked against the kubelet certificate authority and the
 * address dialled (hostname verification, IP subject alternative names for an IP), as
 * kube-apiserver's kubelet client. Locations are made as {@code http://} URIs by the
 * callers; {@link #locate} gives the scheme this transport speaks.
 * <p>
 * Threading: safe for concurrent use.
 */
public final class KubeletTransport {

	private static final KubeletTransport PLAIN = new KubeletTransport(null);

	/** Null: plain HTTP. */
	private final KubeletClientTls tls;

	private KubeletTransport(KubeletClientTls tls) {
		this.tls = tls;
	}

	/** Plain HTTP: agents without TLS (the default, and tests). */
	public static KubeletTransport plain() {
		return PLAIN;
	}

	/**
	 * The files are read at the first call to an agent, not here: the apiserver starts
	 * before the gateway makes the cluster CA and {@code ./stevedore up} issues the
	 * apiserver's kubelet client certificate (a failed read is tried again at the next
	 * call). The client certificate and key are read again when they change
	 * ({@link KubeletClientTls}).
	 */
	public static KubeletTransport of(KubeletClientProperties properties) {
		if (properties == null || KubeletClientProperties.blank(properties.certificateAuthority())) {
			return PLAIN;
		}
		return new KubeletTransport(new KubeletClientTls(properties, properties.reloadInterval(), System::nanoTime));
	}

	public boolean secure() {
		return this.tls != null;
	}

	private SSLContext context() throws IOException {
		return this.tls.context();
	}

	/** The agent location in this transport's scheme. */
	public URI locate(URI location) {
		if (this.tls == null || !"http".equals(location.getScheme())) {
			return location;
		}
		// The raw text with another scheme: URI's multi-part constructors would quote
		// the path's escapes (%20) again.
		return URI.create("https" + location.toString().substring("http".length()));
	}

	/**
	 * An HTTP client that speaks this transport: made at the first call (see
	 * {@link #of}), kept, and made again after the client certificate is reloaded (a JDK
	 * HttpClient keeps its SSLContext for life); the old one is shut down, which lets the
	 * requests it carries (a followed log) run to their end.
	 */
	public Http http(Supplier<HttpClient.Builder> builder) {
		if (this.tls == null) {
			HttpClient client = builder.get().build();
			return () -> client;
		}
		AtomicReference<Made> made = new AtomicReference<>();
		return () -> {
			SSLContext context = context();
			Made current = made.get();
			if (current != null && current.context() == context) {
				return current.client();
			}
			SSLParameters parameters = context.getDefaultSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			Made next = new Made(context, builder.get().sslContext(context).sslParameters(parameters).build());
			if (!made.compareAndSet(current, next)) {
				next.client().shutdown();
				return made.get().client();
			}
			if (current != null) {
				current.client().shutdown();
			}
			return next.client();
		};
	}

	private record Made(SSLContext context, HttpClient client) {
	}

	/** The HTTP client to agents; fails when the TLS settings cannot be read. */
	@FunctionalInterface
	public interface Http {

		HttpClient get() throws IOException;

	}

	/**
	 * A connection to the agent, its TLS handshake done (so an agent certificate the CA
	 * did not sign, or for another address, fails here).
	 */
	public Socket dial(String host, int port, int timeoutMillis) throws IOException {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress(host, port), timeoutMillis);
			socket.setTcpNoDelay(true);
			if (this.tls == null) {
				return socket;
			}
			SSLSocket tlsSocket = (SSLSocket) context().getSocketFactory().createSocket(socket, host, port, true);
			SSLParameters parameters = tlsSocket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			tlsSocket.setSSLParameters(parameters);
			tlsSocket.setSoTimeout(timeoutMillis);
			tlsSocket.startHandshake();
			tlsSocket.setSoTimeout(0);
			return tlsSocket;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

}
