package io.stevedore.proxy.service.support;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.DockerDaemon;
import io.stevedore.testsupport.docker.TestImages;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real apiserver (embedded store, its own service CIDR) and a real proxy on this
 * machine, both in this JVM, plus busybox "pods" on a Docker bridge network of the test's
 * own. Everything a test adds to the host (containers, network, chains, lo addresses,
 * route) is removed by {@link #close}.
 */
public final class ProxyTestCluster implements AutoCloseable {

	public static final String LABEL = "io.stevedore.proxy-it";

	private final ConfigurableApplicationContext apiserver;

	private final String url;

	private final String network;

	private final String subnetPrefix;

	private ConfigurableApplicationContext proxy;

	private ProxyTestCluster(ConfigurableApplicationContext apiserver, String url, String network,
			String subnetPrefix) {
		this.apiserver = apiserver;
		this.url = url;
		this.network = network;
		this.subnetPrefix = subnetPrefix;
	}

	/**
	 * @param serviceCidr the apiserver's and proxy's service CIDR
	 * @param network the Docker network of the pods
	 * @param subnetPrefix its /24, e.g. {@code 172.31.211}
	 */
	public static ProxyTestCluster start(Path dir, String serviceCidr, String network, String subnetPrefix) {
		DockerDaemon.ensureRunning();
		TestImages.busybox();
		Docker.removeContainers(LABEL, network);
		Docker.tryRun("network", "rm", network);
		Docker.run("network", "create", "--driver", "bridge", "--subnet", subnetPrefix + ".0/24", network);
		int port = freePort();
		ConfigurableApplicationContext apiserver = new SpringApplicationBuilder(ApiServerApplication.class).run(
				"--server.address=127.0.0.1", "--server.port=" + port,
				"--stevedore.apiserver.advertise-address=127.0.0.1:" + port, "--stevedore.storage.url=",
				"--stevedore.storage.embedded-dir=" + dir.resolve("store"),
				"--stevedore.apiserver.service-cidr=" + serviceCidr, "--spring.application.name=apiserver-service",
				"--server.shutdown=immediate", "--spring.main.banner-mode=off", "--logging.level.root=WARN");
		return new ProxyTestCluster(apiserver, "http://127.0.0.1:" + port, network, subnetPrefix);
	}

	/** Starts the proxy; extra arguments override the defaults. */
	public ConfigurableApplicationContext startProxy(String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--stevedore.apiserver.url=" + this.url,
				"--stevedore.apiserver.watch-reconnect-interval=200ms", "--stevedore.proxy.lease-renew-interval=1s",
				"--server.shutdown=immediate", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--logging.level.io.stevedore.proxy=INFO"));
		args.addAll(List.of(extra));
		this.proxy = new SpringApplicationBuilder(ProxyApplication.class).run(args.toArray(String[]::new));
		return this.proxy;
	}

	/**
	 * Runs a busybox pod serving {@code GET /} with its own name on 8080; returns its IP.
	 */
	public String startWebPod(String name, int lastOctet) {
		String ip = this.subnetPrefix + "." + lastOctet;
		Docker.tryRun("rm", "-f", name);
		Docker.run("run", "-d", "--name", name, "--label", LABEL + "=" + this.network, "--network", this.network,
				"--ip", ip, TestImages.BUSYBOX, "sh", "-c",
				"mkdir -p /www && echo " + name + " > /www/index.html && exec httpd -f -p 8080 -h /www");
		return ip;
	}

	/**
	 * {@code wget} from a fresh container on the pods' network; null when it failed. Not
	 * {@code wget -T}: Debian's static busybox 1.35 wget segfaults with it.
	 */
	public String wgetFromPod(String url) {
		Docker.Result result = Docker.tryRun("run", "--rm", "--label", LABEL + "=" + this.network, "--network",
				this.network, TestImages.BUSYBOX, "timeout", "5", "wget", "-qO-", url);
		return (result.exitCode() == 0) ? result.output().strip() : null;
	}

	public String gateway() {
		return this.subnetPrefix + ".1";
	}

	public KubernetesClient client() {
		return KubernetesClients.create(new ApiServerClientProperties(this.url, null, null, null, null, null,
				Duration.ofSeconds(30), Duration.ofMillis(200)));
	}

	@Override
	public void close() {
		if (this.proxy != null) {
			this.proxy.close();
		}
		this.apiserver.close();
		Docker.removeContainers(LABEL, this.network);
		Docker.tryRun("network", "rm", this.network);
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

}
