package io.stevedore.proxy.ingress.benchmark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stevedore.apiserver.ApiServerApplication;
import io.stevedore.client.config.ApiServerClientProperties;
import io.stevedore.client.config.KubernetesClients;
import io.stevedore.proxy.ProxyApplication;
import io.stevedore.proxy.benchmark.CpuTicks;
import io.stevedore.proxy.benchmark.Wrk;
import io.stevedore.proxy.ingress.support.IngressObjects;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Throughput and p99 latency with wrk, on loopback only: direct to a backend, through the
 * Ingress, and through Debian's nginx configured as the same reverse proxy (upstream
 * keep-alive, X-Forwarded-* headers, round robin) over the same two backends. The
 * backends are one nginx process (one worker) answering a short text on two ports, so the
 * proxies, not busybox, are what is measured. The real apiserver and the Ingress run in
 * this JVM; the Ingress gets as many event loops as nginx gets workers. Run (nginx and
 * wrk installed):
 *
 * <pre>
 * ./mvnw -q -pl proxy-service test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp proxy-service/target/test-classes:proxy-service/target/classes:$(cat /tmp/cp.txt) \
 *   io.stevedore.proxy.ingress.benchmark.IngressBenchmark [seconds-per-run [connections [rounds]]]
 * </pre>
 */
public final class IngressBenchmark {

	private static final int WORKERS = 2;

	private IngressBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		int connections = (args.length > 1) ? Integer.parseInt(args[1]) : 64;
		int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 2;
		Path dir = Files.createTempDirectory("stevedore-ingress-bench");
		int backend1 = freePort();
		int backend2 = freePort();
		int nginxPort = freePort();
		int ingressPort = freePort();
		int apiPort = freePort();
		List<Process> processes = new ArrayList<>();
		ConfigurableApplicationContext apiserver = null;
		ConfigurableApplicationContext proxy = null;
		try {
			processes.add(nginx(dir, "backends", backendsConfig(dir, backend1, backend2)));
			processes.add(nginx(dir, "proxy", proxyConfig(dir, nginxPort, backend1, backend2)));
			apiserver = new SpringApplicationBuilder(ApiServerApplication.class).run("--server.address=127.0.0.1",
					"--server.port=" + apiPort, "--stevedore.apiserver.advertise-address=127.0.0.1:" + apiPort,
					"--stevedore.storage.url=", "--stevedore.storage.embedded-dir=" + dir.resolve("store"),
					"--spring.application.name=apiserver-service", "--server.shutdown=immediate",
					"--spring.main.banner-mode=off", "--logging.level.root=WARN");
			String url = "http://127.0.0.1:" + apiPort;
			proxy = new SpringApplicationBuilder(ProxyApplication.class).run("--server.port=0",
					"--stevedore.apiserver.url=" + url, "--stevedore.proxy.enabled=false",
					"--stevedore.proxy.ingress.enabled=true", "--stevedore.proxy.ingress.bind-address=127.0.0.1",
					"--stevedore.proxy.ingress.http-port=" + ingressPort, "--stevedore.proxy.ingress.https-port=-1",
					"--stevedore.proxy.ingress.threads=" + WORKERS, "--spring.main.banner-mode=off",
					"--logging.level.root=WARN");
			try (KubernetesClient client = KubernetesClients.create(new ApiServerClientProperties(url, null, null, null,
					null, null, Duration.ofSeconds(30), Duration.ofMillis(200)))) {
				objects(client, backend1, backend2);
			}
			waitFor("http://127.0.0.1:" + ingressPort + "/");
			waitFor("http://127.0.0.1:" + nginxPort + "/");

			System.out.printf("%s, %d cores, load average %s%n", Instant.now(),
					Runtime.getRuntime().availableProcessors(), loadAverage());
			System.out.printf(
					"wrk -t2 -c%d -d%ds --latency; backends: nginx (1 worker) on 2 loopback ports; "
							+ "nginx proxy %d workers, Ingress %d event loops%n",
					connections, seconds, WORKERS, WORKERS);
			// The JIT needs a while, more so on a busy machine.
			wrk("warm-up Ingress", "http://127.0.0.1:" + ingressPort + "/", Math.max(20, seconds), connections,
					IngressBenchmark::ingressTicks);
			long nginxPid = processes.get(1).pid();
			for (int round = 1; round <= rounds; round++) {
				wrk("direct backend", "http://127.0.0.1:" + backend1 + "/", seconds, connections, null);
				wrk("Ingress", "http://127.0.0.1:" + ingressPort + "/", seconds, connections,
						IngressBenchmark::ingressTicks);
				wrk("nginx proxy", "http://127.0.0.1:" + nginxPort + "/", seconds, connections,
						() -> CpuTicks.processTree(nginxPid));
			}
			System.out.printf("load average after: %s%n", loadAverage());
		}
		finally {
			if (proxy != null) {
				proxy.close();
			}
			if (apiserver != null) {
				apiserver.close();
			}
			for (Process process : processes) {
				process.destroy();
			}
		}
		System.exit(0);
	}

	private static void objects(KubernetesClient client, int backend1, int backend2) {
		client.services().inNamespace("default").resource(IngressObjects.service("default", "bench")).create();
		int n = 0;
		for (int port : new int[] { backend1, backend2 }) {
			n++;
			client.discovery()
				.v1()
				.endpointSlices()
				.inNamespace("default")
				.resource(IngressObjects.slice("default", "bench-" + n, "bench", port, List.of("127.0.0.1"), List.of()))
				.create();
		}
		client.network()
			.v1()
			.ingresses()
			.inNamespace("default")
			.resource(IngressObjects.ingress("default", "bench", null)
				.editSpec()
				.withRules(IngressObjects.rule(null, "/", "Prefix", "bench").build())
				.endSpec()
				.build())
			.create();
	}

	private static String common(Path dir, String name) {
		return "daemon off;\npid " + dir.resolve(name + ".pid") + ";\nerror_log " + dir.resolve(name + "-error.log")
				+ " warn;\n";
	}

	private static String temp(Path dir, String name) {
		String t = dir.resolve(name + "-tmp").toString();
		return "client_body_temp_path " + t + "/body; proxy_temp_path " + t + "/proxy; fastcgi_temp_path " + t
				+ "/fcgi; uwsgi_temp_path " + t + "/uwsgi; scgi_temp_path " + t + "/scgi;\n";
	}

	private static String backendsConfig(Path dir, int port1, int port2) {
		return common(dir, "backends") + "worker_processes 1;\nevents { worker_connections 4096; }\nhttp {\n"
				+ "access_log off; keepalive_requests 1000000; " + temp(dir, "backends") + "server { listen 127.0.0.1:"
				+ port1 + "; location / { return 200 \"hello from 1\\n\"; } }\n" + "server { listen 127.0.0.1:" + port2
				+ "; location / { return 200 \"hello from 2\\n\"; } }\n}\n";
	}

	/** nginx as ingress-nginx configures it by default, minus its Lua balancer. */
	private static String proxyConfig(Path dir, int port, int backend1, int backend2) {
		return common(dir, "proxy") + "worker_processes " + WORKERS + ";\nevents { worker_connections 4096; }\n"
				+ "http {\naccess_log off; keepalive_requests 1000000; " + temp(dir, "proxy")
				+ "upstream backends { server 127.0.0.1:" + backend1 + "; server 127.0.0.1:" + backend2
				+ "; keepalive 64; }\n" + "server { listen 127.0.0.1:" + port + ";\n location / {\n"
				+ "  proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection \"\";\n"
				+ "  proxy_set_header Host $host; proxy_set_header X-Real-IP $remote_addr;\n"
				+ "  proxy_set_header X-Forwarded-For $remote_addr; proxy_set_header X-Forwarded-Host $host;\n"
				+ "  proxy_set_header X-Forwarded-Port $server_port; proxy_set_header X-Forwarded-Proto $scheme;\n"
				+ "  proxy_connect_timeout 5s; proxy_read_timeout 60s;\n"
				+ "  proxy_next_upstream error timeout; proxy_next_upstream_tries 3;\n }\n}\n}\n";
	}

	private static Process nginx(Path dir, String name, String config) throws IOException, InterruptedException {
		Path file = dir.resolve(name + ".conf");
		Files.createDirectories(dir.resolve(name + "-tmp"));
		Files.writeString(file, config);
		Process process = new ProcessBuilder("nginx", "-e", dir.resolve(name + "-error.log").toString(), "-p",
				dir.toString(), "-c", file.toString())
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve(name + ".out").toFile())
			.start();
		Thread.sleep(500);
		if (!process.isAlive()) {
			throw new IllegalStateException(
					"nginx " + name + " did not start: " + Files.readString(dir.resolve(name + ".out")));
		}
		return process;
	}

	private static void waitFor(String url) throws Exception {
		try (HttpClient http = HttpClient.newHttpClient()) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (System.nanoTime() < deadline) {
				try {
					HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
							HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() == 200) {
						return;
					}
				}
				catch (IOException ex) {
					// not yet
				}
				Thread.sleep(200);
			}
		}
		throw new IllegalStateException(url + " did not answer 200 within 30 s");
	}

	/**
	 * One wrk run; with {@code cpu}, also the proxy's CPU time per request (user +
	 * system, from /proc): on a machine others load, throughput follows the scheduler,
	 * CPU per request does not.
	 */
	private static void wrk(String label, String url, int seconds, int connections,
			java.util.function.Supplier<long[]> cpu) throws Exception {
		long[] ticksBefore = (cpu != null) ? cpu.get() : null;
		Wrk run = Wrk.run(url, seconds, connections);
		String perRequest = (cpu != null) ? "  " + CpuTicks.perRequest(ticksBefore, cpu.get(), run.requests()) : "";
		System.out.printf("%-18s %10s req/s  p99 %-9s non-2xx %s  socket errors %s%s%n", label, run.requestsPerSecond(),
				run.p99(), run.non2xx(), run.socketErrors(), perRequest);
	}

	/**
	 * CPU ticks (1/100 s) of this JVM's Ingress event loop threads and its garbage
	 * collector (the Ingress makes nearly all the garbage while the apiserver idles). JIT
	 * compiler threads are left out: a warm process does not pay them.
	 */
	private static long[] ingressTicks() {
		return CpuTicks.threads(
				comm -> comm.startsWith("stevedore-ingr") || comm.startsWith("GC Thread") || comm.startsWith("G1 "));
	}

	private static String loadAverage() throws IOException {
		return Files.readString(Path.of("/proc/loadavg")).trim();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
	}

}
