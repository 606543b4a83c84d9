package io.stevedore.storage.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.stevedore.storage.Store;
import io.stevedore.storage.StoreConfig;
import io.stevedore.storage.Stores;
import io.stevedore.testsupport.redis.RedisServerProcess;

/**
 * Creates of ~1 KiB values from 32 threads against both backends; prints writes/s and,
 * for the embedded store, the heap the key space takes. Run once by hand, never in the
 * build:
 *
 * <pre>
 * java -cp "$(cat cp.txt):storage/target/classes:storage/target/test-classes" io.stevedore.storage.bench.StoreBench [creates]
 * </pre>
 */
public final class StoreBench {

	private static final int THREADS = 32;

	private StoreBench() {
	}

	public static void main(String[] args) throws Exception {
		int creates = (args.length > 0) ? Integer.parseInt(args[0]) : 150_000;
		byte[] value = new byte[1024];
		Arrays.fill(value, (byte) 'x');

		Path directory = Files.createTempDirectory("stevedore-bench-");
		try (Store embedded = Stores.open(StoreConfig.embedded(directory))) {
			long heapBefore = usedHeap();
			report("embedded", run(embedded, creates, value));
			System.out.printf("embedded: %d keys of 1 KiB take %d MiB of heap (incl. watch history)%n",
					embedded.list("/", null, 1).items().size() == 0 ? 0 : creates, (usedHeap() - heapBefore) >> 20);
		}

		try (RedisServerProcess redis = RedisServerProcess.launch();
				Store store = Stores.open(StoreConfig.redis(redis.url()))) {
			report("redis", run(store, creates, value));
		}
	}

	private static double run(Store store, int creates, byte[] value) throws InterruptedException {
		AtomicInteger next = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(THREADS);
		long started = System.nanoTime();
		for (int t = 0; t < THREADS; t++) {
			Thread.ofPlatform().start(() -> {
				int i;
				while ((i = next.getAndIncrement()) < creates) {
					store.create("/registry/configmaps/bench/cm-" + i, value);
				}
				done.countDown();
			});
		}
		done.await();
		double seconds = (System.nanoTime() - started) / 1e9;
		return creates / seconds;
	}

	private static void report(String backend, double perSecond) {
		System.out.printf("%s: %.0f creates/s with %d threads%n", backend, perSecond, THREADS);
	}

	private static long usedHeap() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

}
