package io.stevedore.apiserver.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.stevedore.apiserver.cache.ObjectAttributes;
import io.stevedore.apiserver.cache.WatchCache;
import io.stevedore.apiserver.codec.ObjectCodec;
import io.stevedore.apiserver.http.RequestInfo;
import io.stevedore.apiserver.rest.BodyDecoder;
import io.stevedore.apiserver.rest.CreateOperation;
import io.stevedore.apiserver.rest.DeleteOperations;
import io.stevedore.apiserver.rest.GuaranteedUpdate;
import io.stevedore.apiserver.rest.ManagedFields;
import io.stevedore.apiserver.rest.NamespaceLifecycle;
import io.stevedore.apiserver.rest.PodSubresources;
import io.stevedore.apiserver.rest.ReadOperations;
import io.stevedore.apiserver.rest.RestContext;
import io.stevedore.apiserver.rest.Scope;
import io.stevedore.apiserver.rest.strategy.ResourceStrategy;
import io.stevedore.apiserver.rest.strategy.Strategies;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.Stores;

/**
 * CPU and allocation per write on the apiserver's write path, in process: the field
 * manager on an Event create, a Pod create and a pod update, and whole creates and
 * pods/binding through the REST operations on the embedded store. Not a unit test: run
 * its {@code main}.
 *
 * <p>
 * Figures are the calling thread's CPU time (ThreadMXBean) and allocated bytes per
 * operation, so other work on a shared machine inflates them less than wall time would;
 * work the store and the watch cache do on their own threads is not counted. Each figure
 * is the median of the rounds, with the lowest round next to it.
 *
 * <pre>
 * java [-Dbench.only=NAME-PART] -cp apiserver-service/target/test-classes:apiserver-service/target/classes:&lt;test classpath&gt; \
 *   io.stevedore.apiserver.bench.WritePathBenchmark [rounds] [opsPerRound]
 * </pre>
 */
public final class WritePathBenchmark {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final long WARMUP_NANOS = 4_000_000_000L;

	private static final ResourceRegistry REGISTRY = ResourceRegistry.standard();

	private WritePathBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
		int ops = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
		ObjectCodec codec = new ObjectCodec();
		ManagedFields managedFields = new ManagedFields(codec);
		ResourceType events = REGISTRY.find("", "v1", "events").orElseThrow();
		ResourceType pods = REGISTRY.find("", "v1", "pods").orElseThrow();
		Instant now = Instant.parse("2026-12-07T00:00:00Z");

		Event event = WriteSamples.preparedEvent(codec);
		Pod pod = WriteSamples.preparedPod(codec);
		Pod[] statusUpdate = WriteSamples.statusUpdate(codec, pod, managedFields, now);
		System.out.printf("rounds %d x %d ops, JDK %s, %d CPUs%n", rounds, ops, Runtime.version(),
				Runtime.getRuntime().availableProcessors());
		measure("managedFields, Event create", rounds, ops,
				i -> managedFields.forUpdate(events, null, event, "kube-scheduler", null, now));
		measure("managedFields, Pod create", rounds, ops,
				i -> managedFields.forUpdate(pods, null, pod, "kube-controller-manager", null, now));
		measure("managedFields, Pod status update", rounds, ops, i -> managedFields.forUpdate(pods, statusUpdate[0],
				statusUpdate[1], "kubelet", "status", now.plusSeconds(5)));
		measure("managedFields + typed copy and encode, Pod status update", rounds, ops, i -> {
			Pod updated = statusUpdate[1];
			List<ManagedFieldsEntry> sent = updated.getMetadata().getManagedFields();
			managedFields.copyInto(
					managedFields.forUpdate(pods, statusUpdate[0], updated, "kubelet", "status", now.plusSeconds(5)),
					updated);
			codec.encodeForStorage(updated);
			updated.getMetadata().setManagedFields(sent);
		});
		measure("managedFields + storage encode, Event create", rounds, ops, i -> codec
			.encodeTreeForStorage(managedFields.forUpdate(events, null, event, "kube-scheduler", null, now)));
		restOperations(codec, managedFields, rounds, ops);
	}

	/** Whole creates and bindings through the REST layer on a fresh embedded store. */
	private static void restOperations(ObjectCodec codec, ManagedFields managedFields, int rounds, int ops)
			throws Exception {
		Path shm = Path.of("/dev/shm");
		Path dir = Files.createTempDirectory(
				Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")), "write-path-bench");
		try (Store store = Stores.open(StoreConfig.embedded(dir));
				WatchCache cache = new WatchCache(store, new ObjectAttributes(REGISTRY, codec), 10_000)) {
			cache.start();
			RestContext context = new RestContext(store, cache, codec, REGISTRY, new Strategies(new ResourceStrategy() {
			}), Clock.systemUTC(), Duration.ofSeconds(5));
			Namespace namespace = new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build();
			store.create(REGISTRY.find("", "v1", "namespaces").orElseThrow().key("", "default"),
					codec.encodeForStorage(namespace));
			CreateOperation creates = new CreateOperation(context, new BodyDecoder(codec), managedFields,
					new NamespaceLifecycle(context));
			PodSubresources subresources = new PodSubresources(context,
					new GuaranteedUpdate(context, managedFields, creates),
					new DeleteOperations(context, new ReadOperations(context)));
			ResourceType events = REGISTRY.find("", "v1", "events").orElseThrow();
			ResourceType pods = REGISTRY.find("", "v1", "pods").orElseThrow();
			measure("REST create, Event", rounds, ops,
					i -> creates.create(scope("create", events, "", "", WriteSamples.eventBody("e" + i))));
			measure("REST create, Pod", rounds, ops,
					i -> creates.create(scope("create", pods, "", "", WriteSamples.podBody("p" + i))));
			int[] next = { 0 };
			measure("REST pods/binding", rounds, ops, i -> {
				String name = "b" + next[0]++;
				creates.create(scope("create", pods, "", "", WriteSamples.podBody(name)));
			}, i -> subresources.bind(scope("create", pods, "b" + i, "binding", WriteSamples.bindingBody("b" + i))));
		}
		finally {
			try (var files = Files.walk(dir)) {
				files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
			}
		}
	}

	private static Scope scope(String verb, ResourceType type, String name, String subresource, String body) {
		String path = "/api/v1/namespaces/default/" + type.plural() + (name.isEmpty() ? "" : "/" + name)
				+ (subresource.isEmpty() ? "" : "/" + subresource);
		return new Scope(new RequestInfo(verb, "", "v1", "default", type.plural(), name, subresource, path), type,
				Map.of(), body.getBytes(StandardCharsets.UTF_8), "application/json", "write-path-bench");
	}

	private static void measure(String name, int rounds, int ops, IntConsumer op) {
		measure(name, rounds, ops, null, op);
	}

	/**
	 * Warms up (two rounds and at least {@link #WARMUP_NANOS}, so that the JIT has
	 * compiled the path), then runs {@code rounds} rounds of {@code ops} operations and
	 * prints the median and lowest CPU and allocation per operation.
	 * @param setup run unmeasured before each round's operations, for each index
	 */
	private static void measure(String name, int rounds, int ops, IntConsumer setup, IntConsumer op) {
		if (!name.contains(System.getProperty("bench.only", ""))) {
			return;
		}
		long tid = Thread.currentThread().threadId();
		List<double[]> results = new ArrayList<>();
		int base = 0;
		long warmUntil = System.nanoTime() + WARMUP_NANOS;
		for (int round = -2; round < rounds; round++) {
			if (round == -1 && System.nanoTime() < warmUntil) {
				round = -2;
			}
			if (setup != null) {
				for (int i = 0; i < ops; i++) {
					setup.accept(base + i);
				}
			}
			long cpu0 = THREADS.getCurrentThreadCpuTime();
			long bytes0 = THREADS.getThreadAllocatedBytes(tid);
			for (int i = 0; i < ops; i++) {
				op.accept(base + i);
			}
			long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
			long bytes = THREADS.getThreadAllocatedBytes(tid) - bytes0;
			base += ops;
			if (round >= 0) {
				results.add(new double[] { cpu / 1000.0 / ops, (double) bytes / ops });
			}
		}
		double[] cpu = results.stream().mapToDouble(r -> r[0]).sorted().toArray();
		double[] bytes = results.stream().mapToDouble(r -> r[1]).sorted().toArray();
		System.out.printf("%-46s CPU %8.2f us/op (min %8.2f)   alloc %9.0f B/op (min %9.0f)%n", name,
				cpu[cpu.length / 2], cpu[0], bytes[bytes.length / 2], bytes[0]);
	}

}
