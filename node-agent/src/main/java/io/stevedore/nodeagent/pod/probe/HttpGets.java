package io.stevedore.nodeagent.pod.probe;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;

/**
 * The HTTP GETs the kubelet sends to a pod for httpGet probes and lifecycle hooks: to the
 * pod's IP unless a host is given, a named port resolved from the container's ports, the
 * given headers. An HTTPS endpoint's certificate is not checked, as the kubelet does not
 * (pods serve self-signed certificates the node has no reason to trust).
 */
public final class HttpGets {

	private HttpGets() {
	}

	/** A client for these requests; share one, it is safe for concurrent use. */
	public static HttpClient client(HttpClient.Redirect redirects) {
		return HttpClient.newBuilder()
			.followRedirects(redirects)
			.connectTimeout(Duration.ofSeconds(1))
			.sslContext(trustingEveryCertificate())
			.build();
	}

	/**
	 * @param component {@code probe} or {@code lifecycle}: the User-Agent is
	 * {@code kube-probe/1.32} or {@code kube-lifecycle/1.32}, which pods' access logs
	 * show
	 */
	public static HttpRequest request(HTTPGetAction get, Container container, String podIp, Duration timeout,
			String component) {
		String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
		int port = Prober.port(get.getPort(), container);
		String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
		String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create(scheme + "://" + host + ":" + port + (path.startsWith("/") ? "" : "/") + path))
			.timeout(timeout)
			.header("User-Agent", "kube-" + component + "/1.32");
		if (get.getHttpHeaders() != null) {
			get.getHttpHeaders().forEach(h -> request.setHeader(h.getName(), h.getValue()));
		}
		return request.GET().build();
	}

	private static SSLContext trustingEveryCertificate() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { new TrustEverything() }, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("no TLS in this JDK", ex);
		}
	}

	/**
	 * An extended trust manager, so that the JDK does not add its own host name check
	 * either (it does for a plain X509TrustManager).
	 */
	private static final class TrustEverything extends X509ExtendedTrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
