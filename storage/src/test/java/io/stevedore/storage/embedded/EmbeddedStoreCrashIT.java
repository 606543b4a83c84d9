package io.stevedore.storage.embedded;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.stevedore.storage.KeyValue;

import static org.assertj.core.api.Assertions.assertThat;

/** An unclean stop for real: SIGKILL of a JVM in the middle of concurrent writes. */
class EmbeddedStoreCrashIT {

	@TempDir
	Path directory;

	@Test
	void aKilledProcessLosesNoAcknowledgedWriteAndItsLogStaysGapFree() throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				CrashingWriter.class.getName(), this.directory.toString())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		Map<String, Long> acknowledged = new HashMap<>();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				String[] ack = line.split(" ");
				if (ack.length == 3 && ack[0].equals("ACK")) {
					acknowledged.put(ack[1], Long.parseLong(ack[2]));
				}
				if (acknowledged.size() == 3000) {
					// The handle only signals (SIGKILL); Process.destroyForcibly would
					// also close our pipe.
					writer.toHandle().destroyForcibly();
				}
			}
		}
		assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(3000);

		try (EmbeddedStore store = EmbeddedStore.open(this.directory, new EmbeddedStore.Options(100_000, 64 << 20))) {
			for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
				KeyValue kv = store.get(ack.getKey());
				assertThat(kv).as("acknowledged %s", ack.getKey()).isNotNull();
				assertThat(kv.modRevision()).isEqualTo(ack.getValue());
			}
			long revision = store.currentRevision();
			assertThat(store.list("/crash/", null, 0).items()).hasSize((int) revision);
			assertThat(store.create("/after-crash", new byte[] { 1 })).isEqualTo(revision + 1);
		}
	}

}
