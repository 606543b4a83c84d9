package io.stevedore.storage.embedded;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process {@link EmbeddedStoreCrashIT} kills: 8 threads create keys as fast as they
 * can and print {@code ACK key revision} once each create returned (was acknowledged). It
 * never closes the store.
 */
public final class CrashingWriter {

	private CrashingWriter() {
	}

	public static void main(String[] args) throws Exception {
		EmbeddedStore store = EmbeddedStore.open(Path.of(args[0]), new EmbeddedStore.Options(100_000, 64 * 1024));
		AtomicInteger next = new AtomicInteger();
		for (int t = 0; t < 8; t++) {
			Thread.ofPlatform().start(() -> {
				while (true) {
					String key = "/crash/" + next.incrementAndGet();
					long revision = store.create(key, key.getBytes(StandardCharsets.UTF_8));
					synchronized (System.out) {
						System.out.println("ACK " + key + " " + revision);
						System.out.flush();
					}
				}
			});
		}
		Thread.sleep(Long.MAX_VALUE);
	}

}
