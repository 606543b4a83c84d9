package io.stevedore.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.stevedore.apiserver.ApiServerApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The apiserver started in this JVM, the way {@code ./stevedore up} starts it as a
 * process: on a free loopback port, with the embedded store in a directory of the test's
 * or with a Redis URL. One per test class: starting it costs seconds, a namespace costs
 * nothing.
 */
public final class ApiServer implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

	private final ConfigurableApplicationContext context;

	private final int port;

	private ApiServer(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
	}

	/** An apiserver on the embedded store, durable in {@code dataDir}. */
	public static ApiServer embedded(Path dataDir) {
		return start("", dataDir, 0, Map.of());
	}

	/**
	 * An apiserver on the embedded store with extra configuration properties (for example
	 * a small watch history, to provoke 410 Gone).
	 */
	public static ApiServer embedded(Path dataDir, Map<String, ?> properties) {
		return start("", dataDir, 0, properties);
	}

	/**
	 * An apiserver on the embedded store in {@code dataDir}, on a given port: a restart
	 * of an apiserver that clients already know the address of.
	 */
	public static ApiServer embedded(Path dataDir, int port) {
		return start("", dataDir, port, Map.of());
	}

	/** An apiserver on the Redis at {@code redisUrl} ({@code redis://HOST:PORT}). */
	public static ApiServer redis(String redisUrl, Path dataDir) {
		return start(redisUrl, dataDir, 0, Map.of());
	}

	private static ApiServer start(String storageUrl, Path dataDir, int port, Map<String, ?> extra) {
		// A port chosen here rather than server.port=0, so the address the apiserver
		// advertises in discovery is the one clients use.
		int chosen = (port != 0) ? port : freePort();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", chosen);
		properties.put("stevedore.apiserver.advertise-address", "127.0.0.1:" + chosen);
		properties.put("stevedore.storage.url", storageUrl);
		properties.put("stevedore.storage.embedded-dir", dataDir.toString());
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		properties.put("logging.level.io.stevedore", "INFO");
		// Tests do not wait for open watches to drain (graceful shutdown waits up to
		// 30s).
		properties.put("server.shutdown", "immediate");
		properties.putAll(extra);
		// As command-line arguments: SpringApplicationBuilder.properties() are only
		// defaults,
		// which application.yml (stevedore.storage.embedded-dir: ${STEVEDORE_DATA_DIR:})
		// overrides.
		String[] args = properties.entrySet()
			.stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toArray(String[]::new);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ApiServerApplication.class).run(args);
		ApiServer server = new ApiServer(context);
		server.awaitReady();
		return server;
	}

	/** The base URL clients use, e.g. {@code http://127.0.0.1:40123}. */
	public String url() {
		return "http://127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	/** A bean of the running apiserver, for test hooks such as compacting the store. */
	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public void close() {
		this.context.close();
	}

	private void awaitReady() {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest readyz = HttpRequest.newBuilder(URI.create(url() + "/readyz"))
			.timeout(Duration.ofSeconds(2))
			.build();
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		String last = "no answer";
		while (System.nanoTime() < deadline) {
			try {
				HttpResponse<String> response = http.send(readyz, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() == 200 && response.body().strip().equals("ok")) {
					return;
				}
				last = response.statusCode() + " " + response.body();
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			sleep(Duration.ofMillis(200));
		}
		close();
		throw new IllegalStateException(
				"the apiserver did not become ready within " + READY_TIMEOUT + "; last answer of GET /readyz: " + last);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("no free loopback port", ex);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
