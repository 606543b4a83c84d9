package io.stevedore.client.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

/**
 * Builds fabric8's {@link KubernetesClient} from {@link ApiServerClientProperties} only.
 * Starts from {@link Config#empty()} on purpose: fabric8 otherwise reads the machine's
 * kubeconfig and in-cluster files, and a control-plane service must talk to the apiserver
 * it was configured with, not to whatever cluster the user last selected.
 */
public final class KubernetesClients {

	private KubernetesClients() {
	}

	public static KubernetesClient create(ApiServerClientProperties properties) {
		return new KubernetesClientBuilder().withConfig(config(properties)).build();
	}

	/**
	 * A client whose new connections present whatever {@code certificate} holds at the
	 * time (see {@link ReloadableClientCertificate#reload()}): its context replaces the
	 * one fabric8 builds from the same files, once, when the JDK HttpClient is made
	 * (fabric8 derives its per-operation clients from that one HttpClient).
	 */
	public static KubernetesClient create(ApiServerClientProperties properties,
			ReloadableClientCertificate certificate) {
		Config config = config(properties);
		// The files are read by the certificate, at each reload: fabric8 need not.
		config.setClientCertFile(null);
		config.setClientKeyFile(null);
		return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory() {
			@Override
			protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
				builder.sslContext(certificate.sslContext());
			}
		}).build();
	}

	/** The fabric8 configuration; rejects a bad setting naming the property. */
	public static Config config(ApiServerClientProperties properties) {
		ConfigBuilder builder = new ConfigBuilder(Config.empty()).withMasterUrl(checkedUrl(properties.url()))
			// Watches as plain HTTP streams, as client-go and the apiserver do: fabric8
			// otherwise
			// tries a WebSocket first on every (re)watch and falls back on the refusal.
			.withOnlyHttpWatches(true)
			// HTTP/1.1 even where the gateway offers h2: a component's concurrent
			// requests
			// and watches then spread over several connections, and so over the gateway's
			// event loops, where h2 would put them all on the one loop of one connection.
			.withHttp2Disable(true)
			.withRequestTimeout(millis("stevedore.apiserver.request-timeout", properties.requestTimeout()))
			.withWatchReconnectInterval(
					millis("stevedore.apiserver.watch-reconnect-interval", properties.watchReconnectInterval()));
		if (hasText(properties.token())) {
			builder.withOauthToken(properties.token());
		}
		else if (hasText(properties.tokenFile())) {
			builder.withOauthToken(readToken(properties.tokenFile()));
		}
		if (hasText(properties.caCertFile())) {
			builder.withCaCertFile(existing("stevedore.apiserver.ca-cert-file", properties.caCertFile()));
		}
		if (hasText(properties.clientCertFile()) != hasText(properties.clientKeyFile())) {
			throw new IllegalArgumentException("stevedore.apiserver.client-cert-file and "
					+ "stevedore.apiserver.client-key-file must be set together");
		}
		if (hasText(properties.clientCertFile())) {
			builder.withClientCertFile(existing("stevedore.apiserver.client-cert-file", properties.clientCertFile()))
				.withClientKeyFile(existing("stevedore.apiserver.client-key-file", properties.clientKeyFile()));
		}
		return builder.build();
	}

	private static String checkedUrl(String url) {
		if (!hasText(url)) {
			throw new IllegalArgumentException("stevedore.apiserver.url must be set, e.g. http://127.0.0.1:8080");
		}
		try {
			URI uri = new URI(url);
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw new IllegalArgumentException(
						"stevedore.apiserver.url must be an http:// or https:// URL with a host, got \"" + url + "\"");
			}
			return url;
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(
					"stevedore.apiserver.url is not a valid URL: \"" + url + "\" (" + ex.getReason() + ")", ex);
		}
	}

	private static int millis(String property, java.time.Duration duration) {
		if (duration == null || duration.isNegative() || duration.toMillis() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(property + " must be a positive duration, got " + duration);
		}
		return (int) duration.toMillis();
	}

	private static String readToken(String file) {
		try {
			return Files.readString(Path.of(file)).strip();
		}
		catch (java.io.IOException ex) {
			throw new IllegalArgumentException("stevedore.apiserver.token-file: cannot read " + file + ": " + ex, ex);
		}
	}

	private static String existing(String property, String file) {
		if (!Files.isReadable(Path.of(file))) {
			throw new IllegalArgumentException(property + ": no readable file at " + file);
		}
		return file;
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
