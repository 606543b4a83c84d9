package io.stevedore.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 6: what the api-gateway adds to a request, against the apiserver directly, in the
 * same run. The apiserver (embedded store) and the gateway run as their own processes
 * from their jars, configured as {@code ./stevedore up} configures them (scripts/lib):
 * the cluster CA, TLS, RBAC, the audit log at the default level, and admission (the
 * apiserver calls the gateway's admission endpoint on every write, whoever sent it). Two
 * differences: the per-user rate limit (200/s) is off, or the gateway would answer 429 to
 * the load itself, and the apiserver's heap is 1 GiB (the creates leave tens of thousands
 * of pods in it). The gateway's client certificate path (X) needs openssl.
 *
 * <p>
 * The gateway's client is {@code bench-user}, a static bearer token (wrk cannot present a
 * client certificate), bound by a RoleBinding to a Role that may get, list and create
 * pods in one namespace: RBAC really evaluates (the user is no system:masters member, and
 * is checked to be refused elsewhere). The direct client is trusted as the gateway is
 * (plain HTTP on loopback, no identity headers).
 *
 * <p>
 * Measured for each path, in the order {@code --order} gives (D direct, G gateway; DGGD
 * by default, so a drift of the machine's load shows): GET of one pod at a fixed 2,000/s
 * for 10 s, latency from the scheduled send time; wrk GETs of that pod; wrk creates of
 * small pods (mutating and validating admission run). Each run prints the load average
 * and the CPU time each process used per request.
 *
 * <p>
 * Usage: {@code java -cp ... io.stevedore.benchmarks.GatewayBenchmark [--order DGGD]
 * [--measures get,wrk-get,wrk-create]
 * [--rate 2000] [--get-seconds 10] [--wrk-seconds 15] [--connections 32] [--jfr DIR] [--gateway-http 2|1.1]
 * [--warmup-seconds 30] [--apiserver-jar PATH] [--gateway-jar PATH] [--old-gateway-jar PATH]
 * [--apiserver-jvm "..."] [--gateway-jvm "..."]}
 *
 * @param direct the apiserver's own port
 * @param gateway the gateway's TLS port, as the benchmark's user with its bearer token
 * @param x509 the same, the user presenting a client certificate instead (order letter X;
 * the fixed-rate GET only: wrk cannot present one)
 * @param identified the apiserver's own port with the identity headers the gateway adds
 * for the benchmark's user (order letter H): what the apiserver spends on a forwarded
 * identity, without the gateway
 * @param old a second gateway from {@code --old-gateway-jar} (order letter O; null
 * without it), on its own port and state directory, to compare two builds in one run. The
 * apiserver calls only the first gateway's admission endpoint, whichever gateway the
 * create came through.
 * @param apiserverProcess whose CPU time is read per run
 * @param gatewayProcess whose CPU time is read (and JFR recorded, with --jfr) per run
 * @param options the command line
 */
public record GatewayBenchmark(Target direct, Target gateway, Target x509, Target identified, Target old,
		ServiceProcess apiserverProcess, ServiceProcess gatewayProcess, Options options) {

	private static final String NAMESPACE = "bench-gw";

	private static final String USER = "bench-user";

	private static final String POD = "bench-target";

	/**
	 * {@code ./stevedore up}'s JVM options (scripts/lib/process.sh, the JDK 25 ones
	 * included); the heaps and the gateway's JIT are components.sh's.
	 */
	private static final String UP_JVM = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss512k "
			+ "-XX:ReservedCodeCacheSize=40m -XX:MaxMetaspaceSize=160m -XX:MaxDirectMemorySize=64m "
			+ "-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+ExitOnOutOfMemoryError "
			+ "-Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1 "
			+ "-XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=10000 -Xms16m";

	/**
	 * The apiserver gets 1 GiB instead of up's 192 MiB: the creates leave tens of
	 * thousands of pods in it.
	 */
	private static final String APISERVER_JVM = UP_JVM + " -Xmx1g";

	/** With components.sh's COMPONENT_JIT: the gateway keeps C2. */
	private static final String GATEWAY_JVM = UP_JVM
			+ " -Xmx128m -Xmn8m -XX:TieredStopAtLevel=4 -XX:CICompilerCount=2 -XX:ReservedCodeCacheSize=64m"
			+ " -XX:SweeperThreshold=50";

	/**
	 * One way to the apiserver.
	 *
	 * @param headers sent with every request (the gateway's bearer token)
	 */
	private record Target(String name, HttpClient http, String base, Map<String, String> headers,
			ServiceProcess process) {

		HttpRequest.Builder request(String path) {
			HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.base + path));
			this.headers.forEach(builder::header);
			return builder;
		}

		int status(HttpRequest request) throws IOException, InterruptedException {
			return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}

	}

	/**
	 * @param warmupSeconds the fixed-rate GET sent to each path before anything is
	 * measured, at the full rate: the gateway's C2 JIT needs about 30 s of it (measured
	 * at 2,000/s: its CPU per GET fell from 0.55 ms in the first 10 s to 0.24 ms in the
	 * third and 0.21 ms in the fifth, p99 from 4.9 s to 5.9 ms), as a gateway serving a
	 * cluster for days has long had
	 */
	private record Options(String order, List<String> measures, int rate, int getSeconds, int wrkSeconds,
			int connections, Path jfr, HttpClient.Version gatewayHttp, int warmupSeconds) {

		static Options parse(String[] args) {
			String jfr = Args.option(args, "--jfr", "");
			return new Options(Args.option(args, "--order", "DGGD"),
					List.of(Args.option(args, "--measures", "get,wrk-get,wrk-create").split(",")),
					Integer.parseInt(Args.option(args, "--rate", "2000")),
					Integer.parseInt(Args.option(args, "--get-seconds", "10")),
					Integer.parseInt(Args.option(args, "--wrk-seconds", "15")),
					Integer.parseInt(Args.option(args, "--connections", "32")), jfr.isEmpty() ? null : Path.of(jfr),
					switch (Args.option(args, "--gateway-http", "2")) {
						case "2" -> HttpClient.Version.HTTP_2;
						case "1.1" -> HttpClient.Version.HTTP_1_1;
						default -> throw new IllegalArgumentException("--gateway-http: 2 or 1.1");
					}, Integer.parseInt(Args.option(args, "--warmup-seconds", "30")));
		}

	}

	/**
	 * One measured run of one path.
	 *
	 * @param value the figure compared: p99 ms, or requests/s
	 * @param text how it is printed
	 * @param apiserverCpu the apiserver's CPU milliseconds per request in the run
	 * @param gatewayCpu the gateway's
	 */
	private record Run(String measure, String path, double value, String text, double apiserverCpu, double gatewayCpu,
			String load) {
	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		Path apiserverJar = Path.of(Args.option(args, "--apiserver-jar",
				"apiserver-service/target/apiserver-service-0.1.0-SNAPSHOT-exec.jar"));
		Path gatewayJar = Path
			.of(Args.option(args, "--gateway-jar", "api-gateway/target/api-gateway-0.1.0-SNAPSHOT-exec.jar"));
		List<String> apiserverJvm = List.of(Args.option(args, "--apiserver-jvm", APISERVER_JVM).split(" "));
		List<String> gatewayJvm = List.of(Args.option(args, "--gateway-jvm", GATEWAY_JVM).split(" "));
		System.out.printf(
				"%s; load %s%napiserver JVM options: %s%ngateway JVM options: %s%n"
						+ "Java client on the gateway's path: %s%n",
				Machine.line(), Machine.loadAverage(), apiserverJvm, gatewayJvm, options.gatewayHttp());
		Path work = Files.createTempDirectory("stevedore-gwbench");
		Path pki = work.resolve("pki");
		String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
		Path tokens = work.resolve("tokens.csv");
		Files.writeString(tokens, token + "," + USER + ",bench-uid\n");
		int gatewayPort = ServiceProcess.freePort();
		int admissionPort = ServiceProcess.freePort();
		try (ApiServerProcess apiserver = ApiServerProcess.start(apiserverJar, null, work.resolve("data"), apiserverJvm,
				List.of("--stevedore.apiserver.admission.url=http://127.0.0.1:" + admissionPort),
				work.resolve("apiserver.log"));
				ServiceProcess gateway = ServiceProcess.launch("gateway", gatewayJar, gatewayJvm,
						gatewayArguments(gatewayPort, apiserver.port(), pki, admissionPort, tokens, work, ""),
						Map.of("MALLOC_ARENA_MAX", "2"), work.resolve("gateway.log"))) {
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				gateway.destroy();
				apiserver.destroy();
			}));
			System.out.printf("apiserver pid %d port %d, gateway pid %d port %d (admission %d), logs in %s%n",
					apiserver.pid(), apiserver.port(), gateway.pid(), gatewayPort, admissionPort, work);
			// The Java client on the gateway's path speaks what kubectl and client-go
			// negotiate there (h2, one connection; --gateway-http 1.1: a connection per
			// request in flight, each with its own TLS handshake). wrk speaks HTTP/1.1.
			HttpClient tls = HttpClient.newBuilder()
				.version(options.gatewayHttp())
				.sslContext(ClientCertificate.trusting(awaitCa(pki, gateway)))
				.build();
			gateway.awaitReady(tls, URI.create("https://127.0.0.1:" + gatewayPort + "/actuator/health"));
			HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			Target direct = new Target("direct", plain, "http://127.0.0.1:" + apiserver.port(), Map.of(), null);
			Target identified = new Target("direct+id", plain, direct.base(),
					Map.of("X-Remote-User", USER, "X-Remote-Group", "system:authenticated"), null);
			Target viaGateway = new Target("gateway", tls, "https://127.0.0.1:" + gatewayPort,
					Map.of("Authorization", "Bearer " + token), gateway);
			Target x509 = new Target("x509",
					HttpClient.newBuilder()
						.version(options.gatewayHttp())
						.sslContext(ClientCertificate.issue(pki, USER, work))
						.build(),
					viaGateway.base(), Map.of(), gateway);
			String oldJar = Args.option(args, "--old-gateway-jar", "");
			ServiceProcess oldGateway = null;
			Target old = null;
			try {
				if (!oldJar.isEmpty()) {
					int oldPort = ServiceProcess.freePort();
					Path oldPki = work.resolve("pki-old");
					oldGateway = ServiceProcess.launch(
							"old-gateway", Path.of(oldJar), gatewayJvm, gatewayArguments(oldPort, apiserver.port(),
									oldPki, ServiceProcess.freePort(), tokens, work, "-old"),
							Map.of("MALLOC_ARENA_MAX", "2"), work.resolve("gateway-old.log"));
					HttpClient oldTls = HttpClient.newBuilder()
						.version(options.gatewayHttp())
						.sslContext(ClientCertificate.trusting(awaitCa(oldPki, oldGateway)))
						.build();
					oldGateway.awaitReady(oldTls, URI.create("https://127.0.0.1:" + oldPort + "/actuator/health"));
					old = new Target("old", oldTls, "https://127.0.0.1:" + oldPort,
							Map.of("Authorization", "Bearer " + token), oldGateway);
					System.out.printf("old gateway (%s) pid %d port %d%n", oldJar, oldGateway.pid(), oldPort);
				}
				new GatewayBenchmark(direct, viaGateway, x509, identified, old, apiserver.process(), gateway, options)
					.run();
			}
			finally {
				if (oldGateway != null) {
					oldGateway.close();
				}
			}
		}
	}

	/** As {@code ./stevedore up} starts the gateway, the per-user rate limit off. */
	private static List<String> gatewayArguments(int port, int apiserverPort, Path pki, int admissionPort, Path tokens,
			Path work, String suffix) {
		return List.of("--server.port=" + port, "--stevedore.gateway.upstreams=http://127.0.0.1:" + apiserverPort,
				"--stevedore.gateway.state-dir=" + pki, "--stevedore.gateway.tls.server=https://127.0.0.1:" + port,
				"--stevedore.gateway.audit.path=" + work.resolve("logs/audit" + suffix + ".log"),
				"--stevedore.gateway.admission.port=" + admissionPort,
				"--stevedore.gateway.admission.service-account-token-volume=true",
				"--stevedore.gateway.token-auth-file=" + tokens, "--stevedore.gateway.limits.user-qps=0");
	}

	private void run() throws Exception {
		setUp();
		System.out.printf("RSS after start-up: apiserver %d MiB, gateway %d MiB%n",
				this.apiserverProcess.residentBytes() >> 20, this.gatewayProcess.residentBytes() >> 20);
		System.out.printf("warm-up (not measured): %d s of GETs at %d/s on each path, then wrk ...%n",
				this.options.warmupSeconds(), this.options.rate());
		if (this.options.order().contains("X")) {
			FixedRate.send(this.x509.http(), getPod(this.x509), this.options.rate(), this.options.warmupSeconds());
		}
		List<Target> warm = new ArrayList<>(List.of(this.direct, this.gateway));
		if (this.old != null) {
			warm.add(this.old);
		}
		for (Target target : warm) {
			FixedRate.send(target.http(), getPod(target), this.options.rate(), this.options.warmupSeconds());
			wrk(target, 5, null);
			wrk(target, 5, ApiServerBenchmark.SMALL_POD);
		}
		List<Run> runs = new ArrayList<>();
		JfrRecording recording = new JfrRecording(this.gatewayProcess.pid(), this.options.jfr(), "gateway");
		for (String measure : this.options.measures()) {
			int round = 0;
			for (char path : this.options.order().toCharArray()) {
				Target target = switch (path) {
					case 'G' -> this.gateway;
					case 'X' -> this.x509;
					case 'H' -> this.identified;
					case 'O' -> this.old;
					default -> this.direct;
				};
				if (target == null) {
					throw new IllegalArgumentException("order letter O needs --old-gateway-jar");
				}
				if (target == this.x509 && !measure.equals("get")) {
					continue;
				}
				String phase = measure + "-" + target.name() + "-" + ++round;
				recording.start(phase);
				Run run = measure(measure, target);
				recording.stop(phase);
				System.out.printf("%-10s %-7s %s; CPU per request: apiserver %.3f ms, gateway %.3f ms; load %s%n",
						measure, target.name(), run.text(), run.apiserverCpu(), run.gatewayCpu(), run.load());
				runs.add(run);
			}
		}
		System.out.printf("%nRSS after the runs: apiserver %d MiB, gateway %d MiB; load %s%n",
				this.apiserverProcess.residentBytes() >> 20, this.gatewayProcess.residentBytes() >> 20,
				Machine.loadAverage());
		printFastPathCounts();
		printTable(runs);
	}

	/**
	 * How many API requests the gateway's fast path answered itself and how many it left
	 * to the reactive path (api-gateway's stevedore_gateway_fast_path_requests_total;
	 * none printed when the fast path is off).
	 */
	private void printFastPathCounts() throws Exception {
		HttpResponse<String> metrics = this.gateway.http()
			.send(HttpRequest.newBuilder(URI.create(this.gateway.base() + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString());
		metrics.body()
			.lines()
			.filter((line) -> line.startsWith("stevedore_gateway_fast_path_requests_total"))
			.forEach((line) -> System.out.println("gateway " + line));
	}

	/**
	 * The namespace, its default ServiceAccount (ServiceAccount admission refuses pods
	 * without it; no controller runs here to make it), the Role and RoleBinding of the
	 * benchmark's user, and the pod it reads, all written directly. Then checks through
	 * the gateway that the user may read the pod and is refused elsewhere.
	 */
	private void setUp() throws Exception {
		create("/api/v1/namespaces",
				"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + NAMESPACE + "\"}}");
		String namespaced = "/api/v1/namespaces/" + NAMESPACE;
		create(namespaced + "/serviceaccounts",
				"{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"default\"}}");
		String rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/" + NAMESPACE;
		create(rbac + "/roles",
				"{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\","
						+ "\"metadata\":{\"name\":\"pods\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],"
						+ "\"verbs\":[\"get\",\"list\",\"create\"]}]}");
		create(rbac + "/rolebindings",
				"{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\","
						+ "\"metadata\":{\"name\":\"pods\"},\"subjects\":[{\"kind\":\"User\",\"apiGroup\":"
						+ "\"rbac.authorization.k8s.io\",\"name\":\"" + USER + "\"}],\"roleRef\":{\"apiGroup\":"
						+ "\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"pods\"}}");
		create(namespaced + "/pods",
				ApiServerBenchmark.SMALL_POD.replace("\"generateName\":\"p-\"", "\"name\":\"" + POD + "\""));
		// The gateway's RBAC informers see the binding a moment after it is written.
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		int status;
		while ((status = this.gateway.status(getPod(this.gateway))) != 200 && System.nanoTime() < deadline) {
			Thread.sleep(200);
		}
		int elsewhere = this.gateway.status(this.gateway.request("/api/v1/namespaces/default/pods").build());
		int noToken = this.gateway
			.status(HttpRequest.newBuilder(URI.create(this.gateway.base() + namespaced + "/pods/" + POD)).build());
		System.out.printf("through the gateway as %s: GET the pod %d, list pods in default %d; "
				+ "without the token (anonymous) %d%n", USER, status, elsewhere, noToken);
		if (status != 200 || elsewhere != 403) {
			throw new IllegalStateException("RBAC is not as the benchmark needs it: expected 200 and 403");
		}
	}

	private void create(String path, String json) throws IOException, InterruptedException {
		HttpResponse<String> response = this.direct.http()
			.send(this.direct.request(path)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json))
				.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 201 && response.statusCode() != 409) {
			throw new IllegalStateException("POST " + path + ": " + response.statusCode() + " " + response.body());
		}
	}

	private static HttpRequest getPod(Target target) {
		return target.request("/api/v1/namespaces/" + NAMESPACE + "/pods/" + POD).build();
	}

	/**
	 * GETs one at a time before a fixed-rate run, not measured. The JDK client closes a
	 * connection idle for 30 s (jdk.httpclient.keepalive.timeout), and a path unused that
	 * long (the gateway's first run follows its warm-up's wrk runs and a direct run)
	 * began its run with no connection: each of the requests sent while the first TLS
	 * handshake was under way opened a connection of its own, and the gateway spent the
	 * run's first second on handshakes (p99 0.3-0.9 s and 429s in that run only).
	 */
	private void reconnect(Target target) throws Exception {
		for (int i = 0; i < 20; i++) {
			target.http().send(getPod(target), java.net.http.HttpResponse.BodyHandlers.discarding());
		}
	}

	private Run measure(String measure, Target target) throws Exception {
		long apiserverTicks = Machine.cpuTicks(this.apiserverProcess.pid());
		// a direct run shows what the (idle) first gateway spent meanwhile
		ServiceProcess gatewayProcess = target.process() == null ? this.gatewayProcess : target.process();
		long gatewayTicks = Machine.cpuTicks(gatewayProcess.pid());
		double value;
		String text;
		double requests;
		if (measure.equals("get")) {
			reconnect(target);
			FixedRate.Result result = FixedRate.send(target.http(), getPod(target), this.options.rate(),
					this.options.getSeconds());
			Percentiles latency = result.latencies();
			value = latency.millis(99);
			text = String.format("p50 %.2f ms, p99 %.2f ms, max %.1f ms (%d ok, %d failed%s)", latency.millis(50),
					value, latency.millis(100), latency.count(), result.failed(),
					result.failures().isEmpty() ? "" : ": " + result.failures());
			requests = latency.count() + result.failed();
		}
		else {
			Wrk wrk = wrk(target, this.options.wrkSeconds(),
					measure.equals("wrk-create") ? ApiServerBenchmark.SMALL_POD : null);
			value = wrk.requestsPerSecond();
			text = String.format("%.0f requests/s (%d unexpected responses or errors)", value, wrk.unexpected());
			requests = value * this.options.wrkSeconds();
		}
		// USER_HZ ticks are 10 ms: per request in milliseconds
		double apiserverCpu = (Machine.cpuTicks(this.apiserverProcess.pid()) - apiserverTicks) * 10.0 / requests;
		double gatewayCpu = (Machine.cpuTicks(gatewayProcess.pid()) - gatewayTicks) * 10.0 / requests;
		return new Run(measure, target.name(), value, text, apiserverCpu, gatewayCpu, Machine.loadAverage1());
	}

	private Wrk wrk(Target target, int seconds, String podBody) throws IOException, InterruptedException {
		String path = "/api/v1/namespaces/" + NAMESPACE + "/pods" + (podBody == null ? "/" + POD : "");
		Wrk wrk = Wrk.run(target.base() + path, this.options.connections(), seconds, podBody, target.headers());
		if (wrk.unexpected() > 0) {
			System.out.printf("wrk %s %s: %d unexpected responses or socket errors:%n%s%n", target.name(), path,
					wrk.unexpected(), wrk.output());
		}
		return wrk;
	}

	/**
	 * Each measure's gateway runs (by token, and by client certificate when run) against
	 * its direct runs, then the CPU each process spent per request.
	 */
	private void printTable(List<Run> runs) {
		System.out.println();
		System.out.println("| measure | direct | via the gateway | gateway vs direct | target |");
		System.out.println("|---|---|---|---|---|");
		Map<String, String> titles = new LinkedHashMap<>();
		titles.put("get", "GET one pod at " + this.options.rate() + "/s, " + this.options.getSeconds() + " s: p99");
		titles.put("wrk-get",
				"GET one pod, wrk -c" + this.options.connections() + " " + this.options.wrkSeconds() + " s");
		titles.put("wrk-create",
				"create pods, wrk -c" + this.options.connections() + " " + this.options.wrkSeconds() + " s");
		titles.keySet().retainAll(this.options.measures());
		List<String> cpu = new ArrayList<>();
		for (Map.Entry<String, String> title : titles.entrySet()) {
			List<Run> direct = select(runs, title.getKey(), "direct");
			for (String via : List.of("gateway", "x509", "old", "direct+id")) {
				List<Run> gateway = select(runs, title.getKey(), via);
				if (gateway.isEmpty()) {
					continue;
				}
				double d = mean(direct);
				double g = mean(gateway);
				boolean latency = title.getKey().equals("get");
				String unit = latency ? " ms" : "/s";
				String compared = latency ? String.format("%+.2f ms (%s)", g - d, g - d <= 2 ? "met" : "NOT met")
						: String.format("%.0f %% (%s)", 100 * g / d, g >= 0.7 * d ? "met" : "NOT met");
				System.out.printf("| %s (%s) | %s | %s | %s | %s |%n", title.getValue(), via, values(direct, unit),
						values(gateway, unit), compared, latency ? "<= +2 ms" : ">= 70 %");
				cpu.add(String.format("| %s (%s) | %.3f; %.3f | %.3f |", title.getKey(), via,
						direct.stream().mapToDouble(Run::apiserverCpu).average().orElse(0),
						gateway.stream().mapToDouble(Run::apiserverCpu).average().orElse(0),
						gateway.stream().mapToDouble(Run::gatewayCpu).average().orElse(0)));
			}
		}
		System.out.println();
		System.out.println("| measure | apiserver CPU ms/request (direct; via the gateway) | gateway CPU ms/request |");
		System.out.println("|---|---|---|");
		cpu.forEach(System.out::println);
		System.out.println();
		System.out.println("load (1 min) at the end of each run: "
				+ String.join(", ", runs.stream().map((r) -> r.measure() + " " + r.path() + " " + r.load()).toList()));
	}

	private static List<Run> select(List<Run> runs, String measure, String path) {
		return runs.stream().filter((r) -> r.measure().equals(measure) && r.path().equals(path)).toList();
	}

	private static double mean(List<Run> runs) {
		return runs.stream().mapToDouble(Run::value).average().orElse(Double.NaN);
	}

	private static String values(List<Run> runs, String unit) {
		return String.join(", ", runs.stream()
			.map((r) -> unit.equals(" ms") ? String.format("%.2f", r.value()) : String.format("%.0f", r.value()))
			.toList()) + unit;
	}

	/**
	 * Waits for the gateway to make the cluster CA at its first start: the serving
	 * certificate is issued after it, so once that exists ca.crt is complete.
	 */
	private static Path awaitCa(Path pki, ServiceProcess writer) throws InterruptedException {
		Path file = pki.resolve("gateway.crt");
		long deadline = System.nanoTime()
				+ Duration.ofSeconds(Long.getLong("bench.apiserverStartSeconds", 90)).toNanos();
		while (!Files.isRegularFile(file) && System.nanoTime() < deadline) {
			if (!writer.isAlive()) {
				throw new IllegalStateException("the gateway exited before it wrote " + file);
			}
			Thread.sleep(250);
		}
		return pki.resolve("ca.crt");
	}

}
