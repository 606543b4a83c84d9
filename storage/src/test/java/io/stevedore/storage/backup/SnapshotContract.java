package io.stevedore.storage.backup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.stevedore.storage.KeyValue;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backup and restore on a real store backend: a snapshot taken while writes go on is the
 * state at exactly one revision, and it restores into an empty store only.
 */
abstract class SnapshotContract {

	private final List<Store> opened = new ArrayList<>();

	/** A new, empty store. */
	protected abstract Store newStore();

	protected Store open() {
		Store store = newStore();
		this.opened.add(store);
		return store;
	}

	@AfterEach
	void closeStores() {
		this.opened.forEach(Store::close);
	}

	@Test
	void aSnapshotOfAQuietStoreHoldsEveryKeyAtTheCurrentRevision() {
		Store store = open();
		store.create("/registry/pods/default/a", bytes("a1"));
		long b = store.create("/registry/pods/default/b", bytes("b1"));
		store.update("/registry/pods/default/b", bytes("b2"), b);
		store.create("/registry/ranges/serviceips/7", new byte[] { 0, 1, 2, (byte) 255 });
		store.delete("/registry/pods/default/a", 0);

		Snapshot snapshot = SnapshotReader.read(store, Duration.ofSeconds(10));

		assertThat(snapshot.revision()).isEqualTo(store.currentRevision()).isEqualTo(5);
		assertThat(asMap(snapshot)).containsOnlyKeys("/registry/pods/default/b", "/registry/ranges/serviceips/7");
		assertThat(asMap(snapshot).get("/registry/pods/default/b")).isEqualTo("b2");
	}

	@Test
	void anEmptyStoreGivesAnEmptySnapshot() {
		Snapshot snapshot = SnapshotReader.read(open(), Duration.ofSeconds(10));

		assertThat(snapshot.revision()).isZero();
		assertThat(snapshot.entries()).isEmpty();
	}

	/**
	 * Thousands of filler keys make the read take several pages; a writer keeps changing
	 * keys at both ends of the key space and creating and deleting keys in the middle.
	 * The snapshot must equal the state at its revision, computed from the writer's own
	 * record of every write.
	 */
	@Test
	void aSnapshotTakenDuringWritesIsTheStateAtItsRevision() throws Exception {
		Store store = open();
		for (int i = 0; i < 3_000; i++) {
			store.create(String.format("/m/filler-%05d", i), bytes("f" + i));
		}
		List<long[]> writes = java.util.Collections.synchronizedList(new ArrayList<>());
		List<String> writeKeys = java.util.Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean stop = new AtomicBoolean();
		Thread writer = Thread.ofPlatform().start(() -> {
			long a = store.create("/a/x", bytes("0"));
			long z = store.create("/z/x", bytes("0"));
			for (int i = 1; !stop.get(); i++) {
				a = store.update("/a/x", bytes(Integer.toString(i)), a);
				writes.add(new long[] { a, i });
				writeKeys.add("/a/x");
				z = store.update("/z/x", bytes(Integer.toString(i)), z);
				writes.add(new long[] { z, i });
				writeKeys.add("/z/x");
				String temporary = String.format("/m/filler-%05d-t", i % 3_000);
				long created = store.create(temporary, bytes("t" + i));
				writes.add(new long[] { created, i });
				writeKeys.add(temporary);
				long deleted = store.delete(temporary, 0).modRevision();
				writes.add(new long[] { deleted, -1 });
				writeKeys.add(temporary);
			}
		});
		try {
			while (writes.size() < 200) {
				Thread.sleep(5);
			}
			Snapshot snapshot = SnapshotReader.read(store, Duration.ofSeconds(30));
			stop.set(true);
			writer.join();

			Map<String, String> expected = new HashMap<>();
			synchronized (writes) {
				for (int w = 0; w < writes.size(); w++) {
					long[] write = writes.get(w);
					if (write[0] <= snapshot.revision()) {
						expected.put(writeKeys.get(w), write[1] < 0 ? null : Long.toString(write[1]));
					}
				}
			}
			Map<String, String> actual = asMap(snapshot);
			assertThat(actual.get("/a/x")).isEqualTo(expected.getOrDefault("/a/x", "0"));
			assertThat(actual.get("/z/x")).isEqualTo(expected.getOrDefault("/z/x", "0"));
			expected.forEach((key, value) -> {
				if (key.endsWith("-t")) {
					assertThat(actual.get(key)).as(key).isEqualTo(value == null ? null : "t" + value);
				}
			});
			assertThat(actual.keySet().stream().filter((key) -> key.endsWith("-t")).count()).isLessThanOrEqualTo(1);
			assertThat(actual.keySet().stream().filter((key) -> key.startsWith("/m/filler-") && !key.endsWith("-t")))
				.hasSize(3_000);
		}
		finally {
			stop.set(true);
			writer.join();
		}
	}

	@Test
	void aBackupFileRestoresIntoAnEmptyStoreWithTheSameKeysAndValues() throws IOException {
		Store source = open();
		for (int i = 0; i < 250; i++) {
			source.create("/registry/configmaps/default/cm-" + i, bytes("{\"data\":" + i + "}"));
		}
		source.create("/registry/ranges/servicenodeports/30001", new byte[] { 1 });
		byte[] file = backup(source);

		Store target = open();
		int restored = SnapshotRestore.restore(target, BackupFile.read(new ByteArrayInputStream(file)));

		assertThat(restored).isEqualTo(251);
		assertThat(target.currentRevision()).isEqualTo(251);
		Map<String, byte[]> copied = new HashMap<>();
		target.list("/", null, 0).items().forEach((kv) -> copied.put(kv.key(), kv.value()));
		assertThat(copied).hasSize(251);
		source.list("/", null, 0)
			.items()
			.forEach((kv) -> assertThat(copied.get(kv.key())).as(kv.key()).isEqualTo(kv.value()));
	}

	@Test
	void restoringIntoAStoreThatHoldsDataIsRefusedAndWritesNothing() throws IOException {
		Store source = open();
		source.create("/registry/pods/default/a", bytes("a"));
		byte[] file = backup(source);
		Store target = open();
		target.create("/registry/pods/default/existing", bytes("keep"));

		assertThatThrownBy(() -> SnapshotRestore.restore(target, BackupFile.read(new ByteArrayInputStream(file))))
			.isInstanceOf(StoreException.class)
			.hasMessageContaining("/registry/pods/default/existing")
			.hasMessageContaining("empty store");
		assertThat(target.currentRevision()).isEqualTo(1);
		assertThat(target.get("/registry/pods/default/a")).isNull();
	}

	@Test
	void truncatedCorruptedAndForeignFilesAreRejected() throws IOException {
		Store source = open();
		for (int i = 0; i < 50; i++) {
			source.create("/k/" + i, bytes("value-" + i));
		}
		byte[] file = backup(source);

		assertThatThrownBy(() -> BackupFile.read(new ByteArrayInputStream(Arrays.copyOf(file, file.length - 12))))
			.isInstanceOf(InvalidBackupException.class)
			.hasMessageContaining("truncated");
		assertThatThrownBy(() -> BackupFile.read(new ByteArrayInputStream(bytes("apiVersion: v1\nkind: List\n"))))
			.isInstanceOf(InvalidBackupException.class)
			.hasMessageContaining("not a Stevedore backup");
		ByteArrayOutputStream plain = new ByteArrayOutputStream();
		try (var gzip = new java.util.zip.GZIPOutputStream(plain)) {
			gzip.write(bytes("SOMETHING-ELSE\n and more bytes to fill the header"));
		}
		assertThatThrownBy(() -> BackupFile.read(new ByteArrayInputStream(plain.toByteArray())))
			.isInstanceOf(InvalidBackupException.class)
			.hasMessageContaining("header is not STEVEDORE-BACKUP");
	}

	@Test
	void aFlippedBitInAValueFailsTheChecksum() throws IOException {
		Store source = open();
		source.create("/k/a", bytes("x".repeat(1_000)));
		Snapshot snapshot = SnapshotReader.read(source, Duration.ofSeconds(10));
		ByteArrayOutputStream raw = new ByteArrayOutputStream();
		BackupFile.write(snapshot, raw);
		// Corrupt the uncompressed stream: re-compress with one value byte changed.
		byte[] plain = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(raw.toByteArray())).readAllBytes();
		plain[plain.length - 8 - 500] ^= 0x01;
		ByteArrayOutputStream corrupted = new ByteArrayOutputStream();
		try (var gzip = new java.util.zip.GZIPOutputStream(corrupted)) {
			gzip.write(plain);
		}

		assertThatThrownBy(() -> BackupFile.read(new ByteArrayInputStream(corrupted.toByteArray())))
			.isInstanceOf(InvalidBackupException.class)
			.hasMessageContaining("checksum");
	}

	private static byte[] backup(Store store) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		BackupFile.write(SnapshotReader.read(store, Duration.ofSeconds(10)), out);
		return out.toByteArray();
	}

	private static Map<String, String> asMap(Snapshot snapshot) {
		Map<String, String> map = new HashMap<>();
		for (KeyValue kv : snapshot.entries()) {
			map.put(kv.key(), new String(kv.value(), StandardCharsets.UTF_8));
		}
		return map;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
