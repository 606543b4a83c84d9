package io.stevedore.proxy.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.proxy.ProxyApplication;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real apiserver (embedded store in a test directory) and the proxy with cluster DNS
 * on, both in this JVM with the settings their processes would get. DNS listens on a free
 * port of a loopback address and forwards to the test's {@link FakeUpstream}, never to
 * the machine's resolver.
 */
final class DnsTestCluster implements AutoCloseable {

	private final Path dataDir;

	private final int apiserverPort;

	private final String url;

	private ConfigurableApplicationContext apiserver;

	private ConfigurableApplicationContext proxy;

	private InetSocketAddress dns;

	private DnsTestCluster(Path dataDir) {
		this.dataDir = dataDir;
		this.apiserverPort = freePort(InetAddress.getLoopbackAddress());
		this.url = "http://127.0.0.1:" + this.apiserverPort;
	}

	/** Starts the apiserver; extra arguments (a service CIDR, say) are added. */
	static DnsTestCluster start(Path dataDir, String... extra) {
		DnsTestCluster cluster = new DnsTestCluster(dataDir);
		cluster.startApiServer(extra);
		return cluster;
	}

	/** A cluster whose apiserver is not started yet: the proxy may start first. */
	static DnsTestCluster withoutApiServer(Path dataDir) {
		return new DnsTestCluster(dataDir);
	}

	void startApiServer(String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=" + this.apiserverPort,
				"--stevedore.apiserver.advertise-address=127.0.0.1:" + this.apiserverPort, "--stevedore.storage.url=",
				"--stevedore.storage.embedded-dir=" + this.dataDir.resolve("store"),
				"--spring.application.name=apiserver-service", "--server.shutdown=immediate",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		args.addAll(List.of(extra));
		this.apiserver = new SpringApplicationBuilder(ApiServerApplication.class).run(args.toArray(String[]::new));
	}

	/** Starts the proxy with DNS on a free port of {@code address}; extra args win. */
	ConfigurableApplicationContext startProxy(String address, FakeUpstream upstream, String... extra) {
		return startProxy(address, freePort(literal(address)), upstream, extra);
	}

	ConfigurableApplicationContext startProxy(String address, int port, FakeUpstream upstream, String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--stevedore.apiserver.url=" + this.url,
				"--stevedore.proxy.enabled=false", "--stevedore.proxy.dns.enabled=true",
				"--stevedore.proxy.dns.address=" + address, "--stevedore.proxy.dns.port=" + port,
				"--stevedore.proxy.dns.manage-address=false", "--stevedore.proxy.dns.upstreams=" + upstream.hostPort(),
				"--stevedore.proxy.dns.register-service=true", "--stevedore.proxy.dns.service-ip=10.96.0.10",
				"--server.shutdown=immediate", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--logging.level.io.stevedore.proxy.dns=INFO"));
		// Spring joins a repeated argument into a list: drop the default an extra
		// replaces.
		for (String argument : extra) {
			String key = argument.substring(0, argument.indexOf('=') + 1);
			args.removeIf((existing) -> existing.startsWith(key));
			args.add(argument);
		}
		this.proxy = new SpringApplicationBuilder(ProxyApplication.class).run(args.toArray(String[]::new));
		this.dns = this.proxy.getBean(ClusterDns.class).address();
		return this.proxy;
	}

	/** The proxy's Prometheus page. */
	String prometheus() {
		String port = this.proxy.getEnvironment().getProperty("local.server.port");
		try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
			return http
				.send(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
					.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	KubernetesClient client() {
		return KubernetesClients.create(new ApiServerClientProperties(this.url, null, null, null, null, null,
				Duration.ofSeconds(30), Duration.ofMillis(200)));
	}

	InetSocketAddress dns() {
		return this.dns;
	}

	/** Asks the cluster DNS like a pod would, over UDP or TCP. */
	Message query(String name, int type, boolean tcp) {
		try {
			SimpleResolver resolver = new SimpleResolver(this.dns);
			resolver.setTCP(tcp);
			resolver.setTimeout(Duration.ofSeconds(3));
			return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.apiserver != null) {
			this.apiserver.close();
		}
	}

	static InetAddress literal(String address) {
		return IpLiterals.parse(address);
	}

	/** A port free for both TCP and UDP on the address. */
	static int freePort(InetAddress address) {
		for (int attempt = 0; attempt < 20; attempt++) {
			try (ServerSocket tcp = new ServerSocket(0, 1, address)) {
				try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, tcp.getLocalPort()))) {
					return tcp.getLocalPort();
				}
				catch (IOException ex) {
					// taken for UDP: try another
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("no free port on " + address, ex);
			}
		}
		throw new IllegalStateException("no port free for both TCP and UDP on " + address);
	}

}
