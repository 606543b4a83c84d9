package io.stevedore.proxy.service.benchmark;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stevedore.proxy.benchmark.CpuTicks;
import io.stevedore.proxy.benchmark.Wrk;
import io.stevedore.proxy.service.iptables.ChainNames;
import io.stevedore.proxy.service.iptables.HostCommands;
import io.stevedore.proxy.service.iptables.IptablesRenderer;
import io.stevedore.proxy.service.iptables.KernelPlane;
import io.stevedore.proxy.service.model.DataPlane;
import io.stevedore.proxy.service.model.ProxyState;
import io.stevedore.proxy.service.model.StateBuilder;
import io.stevedore.proxy.service.nftables.NftablesPlane;
import io.stevedore.proxy.service.nftables.NftablesRenderer;
import io.stevedore.proxy.service.support.Objects;
import io.stevedore.proxy.service.userspace.UserspacePlane;
import io.stevedore.testsupport.docker.Docker;
import io.stevedore.testsupport.docker.TestImages;

import static io.stevedore.proxy.service.support.Objects.endpoint;
import static io.stevedore.proxy.service.support.Objects.port;
import static io.stevedore.proxy.service.support.Objects.slice;

/**
 * The Service data planes on this machine, without an apiserver (the planes take a
 * {@link ProxyState}): (1) rule programming time of 1,000 Services x 10 endpoints: the
 * first (full) apply, then ten changes of one EndpointSlice each (state built from the
 * objects plus the partial restore, what a change costs the proxy's sync loop), and a
 * forced full rewrite of every chain; (2) wrk through one pod: direct to the pod, through
 * the ClusterIP and the NodePort on 127.0.0.1, in each plane (iptables, nftables,
 * userspace; the programming part for both kernel planes), each path between two direct
 * runs, {@code rounds} times (default 2), reported as the median share of direct. The
 * pod's server is the host's nginx (one worker, keep-alive) run in the pod's network
 * namespace, as a container of the pod would be, when {@code /usr/sbin/nginx} exists
 * ({@code -Dbench.backend=busybox} for busybox httpd, which forks per connection and so
 * is slower than every path in front of it). Loopback and the benchmark's own container
 * only. Run (as root, dockerd up, wrk installed):
 *
 * <pre>
 * ./mvnw -q -pl proxy-service test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp proxy-service/target/test-classes:proxy-service/target/classes:$(cat /tmp/cp.txt) \
 *   io.stevedore.proxy.service.benchmark.ProxyBenchmark [seconds-per-wrk-run [rounds] | programming
 *   | userspace [seconds [rounds]]]
 * </pre>
 */
public final class ProxyBenchmark {

	private static final String CIDR = "10.219.0.0/16";

	private static final String NETWORK = "stvd-proxy-bench";

	/**
	 * Where the run lives: the userspace-only run has its own network, CIDR, NodePort and
	 * prefix, so that it can run while someone runs the whole benchmark.
	 */
	private record Site(String network, String subnet, String cidr, String clusterIp, int nodePort, String prefix) {

		static final Site ALL = new Site(NETWORK, "172.31.219", CIDR, "10.219.0.10", 30919, "BENCH");

		static final Site USERSPACE = new Site(NETWORK + "-u", "172.31.218", "10.218.0.0/16", "10.218.0.10", 30918,
				"BENCHU");

		String clusterIpUrl() {
			return "http://" + this.clusterIp + ":80/";
		}

		String nodePortUrl() {
			return "http://127.0.0.1:" + this.nodePort + "/";
		}

	}

	private ProxyBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		HostCommands host = new HostCommands.Real();
		boolean userspaceOnly = args.length > 0 && args[0].equals("userspace");
		if (!userspaceOnly) {
			programming(host, "iptables");
			programming(host, "nftables");
		}
		if (args.length > 0 && args[0].equals("programming")) {
			return;
		}
		int first = userspaceOnly ? 1 : 0;
		int seconds = (args.length > first) ? Integer.parseInt(args[first]) : 10;
		int rounds = (args.length > first + 1) ? Integer.parseInt(args[first + 1]) : 2;
		Site site = userspaceOnly ? Site.USERSPACE : Site.ALL;
		String network = site.network();
		TestImages.busybox();
		Docker.tryRun("rm", "-f", network + "-pod");
		Docker.tryRun("network", "rm", network);
		Docker.run("network", "create", "--subnet", site.subnet() + ".0/24", network);
		Process nginx = null;
		try {
			String pod = site.subnet() + ".10";
			boolean useNginx = !"busybox".equals(System.getProperty("bench.backend"))
					&& java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/nginx"));
			if (useNginx) {
				Docker.run("run", "-d", "--name", network + "-pod", "--network", network, "--ip", pod,
						TestImages.BUSYBOX, "sleep", "86400");
				nginx = nginxInPod(Docker.run("inspect", "-f", "{{.State.Pid}}", network + "-pod").strip());
			}
			else {
				Docker.run("run", "-d", "--name", network + "-pod", "--network", network, "--ip", pod,
						TestImages.BUSYBOX, "sh", "-c",
						"mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www");
			}
			Thread.sleep(1000);
			ProxyState state = StateBuilder.build(
					List.of(Objects
						.serviceBuilder("default", "web", site.clusterIp(), port("", "TCP", 80, site.nodePort()))
						.editSpec()
						.withType("NodePort")
						.endSpec()
						.build()),
					List.of(slice("default", "web-1", "web", "", "TCP", 8080,
							List.of(endpoint(pod, true, false, "n")))),
					"n", List.of("127.0.0.1"));
			System.out.printf("wrk -t2 -c32 -d%ds, one pod serving with %s; machine: %d cores, load %s%n", seconds,
					useNginx ? "nginx (1 worker, keep-alive)" : "busybox httpd",
					Runtime.getRuntime().availableProcessors(), loadAverage());
			if (userspaceOnly) {
				userspaceRounds(host, site, state, "http://" + pod + ":8080/", seconds, rounds);
				return;
			}
			String direct = "http://" + pod + ":8080/";
			// The same direct path moved by a third between runs minutes apart on this
			// machine (a VM's neighbours, frequency): each path is measured between two
			// direct runs and reported as a share of their mean, round by round.
			wrk("warm-up direct pod", direct, seconds);
			List<String> summary = new java.util.ArrayList<>();
			for (String mode : List.of("iptables", "nftables", "userspace")) {
				DataPlane plane = mode.equals("userspace") ? new UserspacePlane(host, "BENCH", CIDR, true)
						: kernelPlane(host, mode);
				plane.start();
				try {
					plane.apply(state);
					List<Double> clusterIp = new java.util.ArrayList<>();
					List<Double> nodePort = new java.util.ArrayList<>();
					for (int round = 1; round <= rounds; round++) {
						double before = wrk("direct pod", direct, seconds);
						double viaClusterIp = wrk(mode + " ClusterIP", site.clusterIpUrl(), seconds);
						double viaNodePort = wrk(mode + " NodePort 127.0.0.1", site.nodePortUrl(), seconds);
						double after = wrk("direct pod", direct, seconds);
						clusterIp.add(viaClusterIp / ((before + after) / 2));
						nodePort.add(viaNodePort / ((before + after) / 2));
					}
					summary.add(share(mode + " ClusterIP", clusterIp));
					summary.add(share(mode + " NodePort 127.0.0.1", nodePort));
				}
				finally {
					plane.close();
				}
			}
			System.out.printf(
					"of direct (each round: the path over the mean of the direct runs around it), %d rounds:%n",
					rounds);
			summary.forEach(System.out::println);
		}
		finally {
			if (nginx != null) {
				nginx.destroy();
			}
			Docker.tryRun("rm", "-f", network + "-pod");
			Docker.tryRun("network", "rm", network);
		}
	}

	/**
	 * {@code ProxyBenchmark userspace [seconds [rounds]]}: the user-space plane alone,
	 * for its CPU cost per relayed request (its event loops' and the garbage collector's
	 * user and system time over a run, divided by the requests wrk completed; JIT threads
	 * left out, a warm proxy does not pay them), which a machine shared with other work
	 * moves far less than requests/s. After a warm-up, each round runs direct, ClusterIP,
	 * NodePort, direct, so the userspace rates sit between two direct ones.
	 */
	private static void userspaceRounds(HostCommands host, Site site, ProxyState state, String direct, int seconds,
			int rounds) throws Exception {
		// -Dbench.threads=N: the plane's event loops (default: as the proxy has them)
		Integer threads = Integer.getInteger("bench.threads");
		UserspacePlane plane = (threads == null) ? new UserspacePlane(host, site.prefix(), site.cidr(), true)
				: new UserspacePlane(host, site.prefix(), site.cidr(), true, threads);
		System.out.printf("userspace event loops: %s%n", (threads == null) ? "default" : threads);
		plane.start();
		try {
			plane.apply(state);
			wrk("warm-up userspace", site.clusterIpUrl(), Math.max(10, seconds));
			for (int round = 1; round <= rounds; round++) {
				wrk("direct pod", direct, seconds);
				wrk("userspace ClusterIP", site.clusterIpUrl(), seconds);
				wrk("userspace NodePort", site.nodePortUrl(), seconds);
				wrk("direct pod", direct, seconds);
				System.out.printf("load %s%n", loadAverage());
			}
		}
		finally {
			plane.close();
		}
	}

	/** The user-space plane's event loops and the garbage collector. */
	private static long[] userspaceTicks() {
		return CpuTicks.threads(
				comm -> comm.startsWith("stevedore-user") || comm.startsWith("GC Thread") || comm.startsWith("G1 "));
	}

	private static String loadAverage() throws java.io.IOException {
		return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
	}

	/**
	 * The host's nginx in the network namespace of the container with process
	 * {@code pid}: one worker (the pod's share of a 2-core machine), a fixed 6-byte
	 * answer.
	 */
	private static Process nginxInPod(String pid) throws Exception {
		java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("stvd-bench-nginx");
		java.nio.file.Path conf = dir.resolve("nginx.conf");
		java.nio.file.Files.writeString(conf, """
				worker_processes 1;
				pid %1$s/nginx.pid;
				error_log %1$s/error.log;
				events { worker_connections 1024; }
				http {
				  access_log off;
				  keepalive_requests 1000000;
				  client_body_temp_path %1$s; proxy_temp_path %1$s; fastcgi_temp_path %1$s;
				  uwsgi_temp_path %1$s; scgi_temp_path %1$s;
				  server { listen 8080; location / { return 200 "hello\n"; } }
				}
				""".formatted(dir));
		return new ProcessBuilder("nsenter", "--net=/proc/" + pid + "/ns/net", "/usr/sbin/nginx", "-c", conf.toString(),
				"-g", "daemon off;")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("stdout.log").toFile())
			.start();
	}

	/** The kernel plane of {@code mode} (iptables or nftables) with the bench's names. */
	private static DataPlane kernelPlane(HostCommands host, String mode) {
		return mode.equals("nftables")
				? new NftablesPlane(host, new NftablesRenderer("stevedore-proxy-bench", CIDR, 14), "BENCH", CIDR, true)
				: new KernelPlane(host, new IptablesRenderer(new ChainNames("BENCH"), CIDR, 14), CIDR, true);
	}

	private static void programming(HostCommands host, String mode) {
		List<Service> services = new ArrayList<>();
		List<EndpointSlice> slices = new ArrayList<>();
		for (int s = 0; s < 1000; s++) {
			String name = "svc-" + s;
			services.add(
					Objects
						.serviceBuilder("bench", name, "10.219." + (s / 250) + "." + (s % 250 + 1),
								port("http", "TCP", 80, null))
						.build());
			List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints = new ArrayList<>();
			for (int e = 0; e < 10; e++) {
				endpoints.add(endpoint("172.31." + (100 + s / 250) + "." + ((s % 25) * 10 + e), true, false, "n"));
			}
			slices.add(slice("bench", name + "-1", name, "http", "TCP", 8080, endpoints));
		}
		DataPlane plane = kernelPlane(host, mode);
		plane.start();
		try {
			long t0 = System.nanoTime();
			ProxyState state = StateBuilder.build(services, slices, "n", List.of("127.0.0.1"));
			DataPlane.ApplyResult first = plane.apply(state);
			long t1 = System.nanoTime();
			System.out.printf("%s programming 1000 Services x 10 endpoints: first apply %d ms (%d rules, applied=%s)%n",
					mode, (t1 - t0) / 1_000_000, first.rules(), first.applied());
			List<Long> changes = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				int s = 100 * i + 7;
				slices.set(s, slice("bench", "svc-" + s + "-1", "svc-" + s, "http", "TCP", 8080,
						List.of(endpoint("172.31.200." + (i + 1), true, false, "n"))));
				long start = System.nanoTime();
				ProxyState changed = StateBuilder.build(services, slices, "n", List.of("127.0.0.1"));
				DataPlane.ApplyResult result = plane.apply(changed);
				long ms = (System.nanoTime() - start) / 1_000_000;
				changes.add(ms);
				if (!result.applied()) {
					throw new IllegalStateException("not applied: " + result.error());
				}
				System.out.printf("  one slice changed: %d ms%s%n", ms,
						(plane instanceof KernelPlane k) ? " (" + k.lastChainsWritten() + " chains written)"
								: ((NftablesPlane) plane).lastWasPartial() ? " (partial update)" : " (whole table)");
			}
			List<Long> sorted = changes.stream().sorted().toList();
			System.out.printf(mode + " one-slice change: median %d ms, max %d ms%n", sorted.get(sorted.size() / 2),
					sorted.get(sorted.size() - 1));
			long start = System.nanoTime();
			if (plane instanceof KernelPlane k) {
				k.forceFullSync();
			}
			else {
				((NftablesPlane) plane).forceFullSync();
			}
			DataPlane.ApplyResult full = plane.apply(StateBuilder.build(services, slices, "n", List.of("127.0.0.1")));
			System.out.printf(
					mode + " full rewrite of every chain (start, hourly, after a failure): %d ms (applied=%s)%n",
					(System.nanoTime() - start) / 1_000_000, full.applied());
		}
		finally {
			plane.close();
		}
	}

	/**
	 * One wrk run; on the user-space rows the plane's CPU per request too (on the other
	 * rows only the garbage collector's few ticks would count, printed as 0.0).
	 */
	/** The median share, and every round's. */
	private static String share(String label, List<Double> shares) {
		List<Double> sorted = shares.stream().sorted().toList();
		double median = (sorted.size() % 2 == 1) ? sorted.get(sorted.size() / 2)
				: (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
		return String.format("%-28s median %5.1f %%  rounds %s", label, median * 100,
				shares.stream().map(v -> String.format("%.1f", v * 100)).toList());
	}

	/**
	 * @return the requests per second
	 */
	private static double wrk(String label, String url, int seconds) throws Exception {
		long[] before = userspaceTicks();
		Wrk run = Wrk.run(url, seconds, 32);
		long[] after = userspaceTicks();
		String cpu = label.startsWith("userspace") && (after[0] + after[1] > before[0] + before[1])
				? "  userspace plane " + CpuTicks.perRequest(before, after, run.requests()) : "";
		System.out.printf("%-28s %10s req/s  p99 %-9s non-2xx %s  socket errors %s%s%n", label, run.requestsPerSecond(),
				run.p99(), run.non2xx(), run.socketErrors(), cpu);
		return Double.parseDouble(run.requestsPerSecond());
	}

}
