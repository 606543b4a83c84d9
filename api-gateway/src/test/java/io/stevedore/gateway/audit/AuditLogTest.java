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

}
