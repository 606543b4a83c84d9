package io.stevedore.gateway.audit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTest {

	@TempDir
	Path dir;

	@Test
	@DisplayName("a file path gets one JSON line per event")
	void writesAFile() throws Exception {
		Path file = this.dir.resolve("logs/audit.log");
		try (AuditLog log = new AuditLog(file)) {
			log.write(Map.of("auditID", "a"));
			log.write(Map.of("auditID", "b"));
		}
		assertThat(Files.readAllLines(file)).containsExactly("{\"auditID\":\"a\"}", "{\"auditID\":\"b\"}");
	}

	@Test
	@DisplayName("the path - writes whole lines to standard output, never cut by other output")
	void dashIsStandardOutput() throws Exception {
		PrintStream original = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
		String big = "x".repeat(20_000);
		try (AuditLog log = new AuditLog(Path.of("-"))) {
			ExecutorService pool = Executors.newFixedThreadPool(4);
			for (int i = 0; i < 200; i++) {
				int n = i;
				pool.execute(() -> log.write(Map.of("auditID", "e" + n, "body", big)));
				// Someone else's output on the same stream at the same time.
				pool.execute(() -> System.out.println("application log line"));
			}
			pool.shutdown();
			assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			System.setOut(original);
		}
		assertThat(this.dir).isEmptyDirectory();
		String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
		assertThat(lines).hasSize(400);
		long events = 0;
		for (String line : lines) {
			if (!line.equals("application log line")) {
				assertThat(line).startsWith("{").endsWith("}").contains(big);
				events++;
			}
		}
		assertThat(events).isEqualTo(200);
	}

	@Test
	@DisplayName("a line reaches the file a few milliseconds after it is written, without a close")
	void flushesSoon() throws Exception {
		Path file = this.dir.resolve("audit.log");
		try (AuditLog log = new AuditLog(file)) {
			log.write(Map.of("auditID", "soon"));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
			while (Files.size(file) == 0 && System.nanoTime() < deadline) {
				Thread.sleep(1);
			}
			assertThat(Files.readAllLines(file)).containsExactly("{\"auditID\":\"soon\"}");
		}
	}

	@Test
	@DisplayName("more lines than the buffer holds, from several threads: every line whole, each thread's in order")
	void overflowKeepsOrder() throws Exception {
		Path file = this.dir.resolve("audit.log");
		String padding = "p".repeat(300);
		int threads = 4;
		int lines = 3000;
		try (AuditLog log = new AuditLog(file)) {
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			for (int t = 0; t < threads; t++) {
				int thread = t;
				pool.execute(() -> {
					for (int i = 0; i < lines; i++) {
						log.writeLine("{\"t\":" + thread + ",\"i\":" + i + ",\"pad\":\"" + padding + "\"}");
					}
				});
			}
			pool.shutdown();
			assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
		int[] next = new int[threads];
		for (String line : Files.readAllLines(file)) {
			var event = io.stevedore.gateway.status.StatusResponses.JSON.readTree(line);
			int thread = event.path("t").asInt();
			assertThat(event.path("i").asInt()).isEqualTo(next[thread]);
			next[thread]++;
		}
		assertThat(next).containsOnly(lines);
	}

}
