package io.stevedore.proxy.dns;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.fabric8.kubernetes.client.KubernetesClient;

import static io.stevedore.proxy.dns.InMemoryClusterRecords.clusterIp;
import static io.stevedore.proxy.dns.InMemoryClusterRecords.port;

/**
 * Queries per second of the cluster DNS, measured with {@code dnsperf} (Debian package
 * {@code dnsperf}) on loopback: the real apiserver and the proxy with DNS on run in this
 * JVM; N Services are created through the API; then dnsperf asks, for {@code seconds}
 * each, (1) A records of random Service names, (2) names that do not exist (what the
 * search path of an ndots:5 pod sends first for every outside name: NXDOMAIN), and (3)
 * outside names forwarded to a fake upstream in this JVM. Each run follows a warm-up.
 * <p>
 * Run:
 * {@code java -cp <proxy-service test classpath> io.stevedore.proxy.dns.ClusterDnsBenchmark [services] [seconds]}
 */
public final class ClusterDnsBenchmark {

	private ClusterDnsBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int services = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		Path dir = Files.createTempDirectory("dns-bench");
		try (FakeUpstream upstream = new FakeUpstream();
				DnsTestCluster cluster = DnsTestCluster.start(dir);
				KubernetesClient client = cluster.client()) {
			cluster.startProxy("127.0.0.1", upstream, "--logging.level.io.stevedore.proxy.dns=WARN");
			long start = System.nanoTime();
			for (int i = 0; i < services; i++) {
				client.services()
					.inNamespace("default")
					.resource(clusterIp("default", "svc-" + i, null, port("http", "TCP", 80)))
					.create();
			}
			System.out.printf("created %d Services in %.1f s%n", services, (System.nanoTime() - start) / 1e9);
			Random random = new Random(7);
			List<String> hits = new ArrayList<>();
			List<String> misses = new ArrayList<>();
			List<String> outside = new ArrayList<>();
			for (int i = 0; i < 10_000; i++) {
				hits.add("svc-" + random.nextInt(services) + ".default.svc.cluster.local A");
				misses.add("www.example" + i + ".com.default.svc.cluster.local A");
				outside.add("www" + i + ".example.com A");
			}
			Collections.shuffle(hits, random);
			// Wait until the informers hold the last Service.
			while (cluster.query("svc-" + (services - 1) + ".default.svc.cluster.local.", org.xbill.DNS.Type.A, false)
				.getRcode() != 0) {
				Thread.sleep(100);
			}
			run(cluster, dir, "warm-up", hits, 5);
			run(cluster, dir, "Service A (hit)", hits, seconds);
			run(cluster, dir, "NXDOMAIN (search-path miss)", misses, seconds);
			run(cluster, dir, "forwarded to the upstream", outside, seconds);
		}
	}

	private static void run(DnsTestCluster cluster, Path dir, String label, List<String> queries, int seconds)
			throws Exception {
		Path file = dir.resolve("queries.txt");
		Files.write(file, queries, StandardCharsets.US_ASCII);
		Process process = new ProcessBuilder("dnsperf", "-s", cluster.dns().getAddress().getHostAddress(), "-p",
				String.valueOf(cluster.dns().getPort()), "-d", file.toString(), "-l", String.valueOf(seconds), "-q",
				"64")
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor();
		System.out.println("== " + label);
		output.lines()
			.filter((line) -> line.contains("Queries per second") || line.contains("Average Latency")
					|| line.contains("Queries lost") || line.contains("Response codes")
					|| line.contains("Latency StdDev"))
			.forEach(System.out::println);
	}

}
