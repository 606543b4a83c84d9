package io.stevedore.storage.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stevedore.storage.KeyValue;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.Stores;
import io.stevedore.storage.Watch;
import io.stevedore.testsupport.redis.RedisServerProcess;

/**
 * What a bind costs the store: each operation is a {@code get} then a compare-and-swap
 * {@code update} of the value read (as the apiserver's GuaranteedUpdate did), or with
 * {@code update} as third argument the compare-and-swap alone on the revision the client
 * last wrote (as GuaranteedUpdate does from the watch cache's copy), from 64 virtual
 * threads over distinct keys, while one watch follows every change (as the apiserver's
 * watch cache does). Prints operations/s with the load average, and the CPU per operation
 * of this JVM and, on Redis, of redis-server: CPU time depends much less on what else
 * runs on the machine than the rate does. Run by hand, never in the build:
 *
 * <pre>
 * java -cp "$(cat cp.txt):storage/target/classes:storage/target/test-classes" \
 *   io.stevedore.storage.bench.UpdateBench [operations] [embedded|redis|both] [get+update|update]
 * </pre>
 */
public final class UpdateBench {

	private static final int CLIENTS = 64;

	private static final int KEYS = 5000;

	private static final int VALUE_BYTES = 2048;

	private UpdateBench() {
	}

	public static void main(String[] args) throws Exception {
		int operations = (args.length > 0) ? Integer.parseInt(args[0]) : 50_000;
		String which = (args.length > 1) ? args[1] : "both";
		boolean readFirst = args.length < 3 || !args[2].equals("update");
		if (!which.equals("redis")) {
			Path directory = Files.createTempDirectory("stevedore-update-bench-");
			try (Store store = Stores.open(StoreConfig.embedded(directory))) {
				run("embedded", store, operations, readFirst, null);
			}
		}
		if (!which.equals("embedded")) {
			try (RedisServerProcess redis = RedisServerProcess.launch();
					Store store = Stores.open(StoreConfig.redis(redis.url()))) {
				// -Dbench.appendfsync=everysec|no: how much of Redis' cost is the fsync
				// per
				// event-loop turn (the store itself always asks for "always").
				String fsync = System.getProperty("bench.appendfsync");
				if (fsync != null) {
					redis.call("CONFIG", "SET", "appendfsync", fsync);
				}
				run("redis", store, operations, readFirst, redis);
			}
		}
	}

	private static void run(String name, Store store, int operations, boolean readFirst, RedisServerProcess redis)
			throws Exception {
		byte[] value = new byte[VALUE_BYTES];
		Arrays.fill(value, (byte) 'x');
		for (int i = 0; i < KEYS; i++) {
			store.create(key(i), value);
		}
		AtomicLong watched = new AtomicLong();
		try (Watch watch = store.watch("/registry/", store.currentRevision(),
				(events) -> watched.set(events.getLast().revision()))) {
			// Warm-up, then the measured round.
			round(store, operations / 5, readFirst);
			long seen = store.currentRevision();
			waitFor(watched, seen);
			double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
			long cpuBefore = processCpuNanos();
			double redisBefore = (redis != null) ? redisCpuSeconds(redis) : 0;
			long started = System.nanoTime();
			round(store, operations, readFirst);
			waitFor(watched, store.currentRevision());
			long wall = System.nanoTime() - started;
			long cpu = processCpuNanos() - cpuBefore;
			double redisCpu = (redis != null) ? redisCpuSeconds(redis) - redisBefore : 0;
			double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
			System.out.printf(
					"%s: %d %s of %d B over %d keys, %d clients: %.0f ops/s (load %.1f -> %.1f); "
							+ "JVM CPU %.1f us/op%s%n",
					name, operations, readFirst ? "get+update" : "update", VALUE_BYTES, KEYS, CLIENTS,
					operations / (wall / 1e9), loadBefore, loadAfter, cpu / 1e3 / operations,
					(redis != null) ? String.format(", redis-server CPU %.1f us/op", redisCpu * 1e6 / operations) : "");
		}
	}

	private static void round(Store store, int operations, boolean readFirst) throws InterruptedException {
		AtomicInteger next = new AtomicInteger();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int c = 0; c < CLIENTS; c++) {
				int client = c;
				clients.submit(() -> {
					// Each client has its own keys: no conflicts, as with binds of
					// different
					// pods.
					int i;
					int turn = 0;
					java.util.Map<String, KeyValue> written = new java.util.HashMap<>();
					while ((i = next.getAndIncrement()) < operations) {
						String key = key((client + CLIENTS * turn++) % KEYS);
						KeyValue current = readFirst ? null : written.get(key);
						if (current == null) {
							current = store.get(key);
						}
						byte[] changed = current.value().clone();
						changed[i % changed.length] = (byte) ('a' + i % 26);
						long revision = store.update(key, changed, current.modRevision());
						written.put(key, new KeyValue(key, changed, current.createRevision(), revision));
					}
				});
			}
			clients.shutdown();
			clients.awaitTermination(10, TimeUnit.MINUTES);
		}
	}

	private static void waitFor(AtomicLong watched, long revision) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (watched.get() < revision && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
	}

	private static String key(int i) {
		return "/registry/pods/default/pod-" + i;
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static final Pattern CPU = Pattern.compile("used_cpu_(sys|user):([0-9.]+)");

	private static final Pattern SYS = Pattern.compile("used_cpu_sys:([0-9.]+)");

	/** redis-server's own CPU (main thread and background), from INFO cpu. */
	private static double redisCpuSeconds(RedisServerProcess redis) {
		Matcher matcher = CPU.matcher(redis.call("INFO", "cpu"));
		double seconds = 0;
		while (matcher.find()) {
			seconds += Double.parseDouble(matcher.group(2));
		}
		return seconds;
	}

}
