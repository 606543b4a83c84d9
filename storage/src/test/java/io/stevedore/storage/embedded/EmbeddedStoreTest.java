package io.stevedore.storage.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.stevedore.storage.Store;
import io.stevedore.storage.StoreContract;
import io.stevedore.storage.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedStoreTest extends StoreContract {

	@TempDir
	Path root;

	private int stores;

	private Path directory;

	private long history;

	@Override
	protected Store newStore(long watchHistory) {
		this.directory = this.root.resolve("store-" + (this.stores++));
		this.history = watchHistory;
		return EmbeddedStore.open(this.directory, new EmbeddedStore.Options(watchHistory, 64L << 20));
	}

	@Override
	protected Store restart(Store store) {
		store.close();
		return EmbeddedStore.open(this.directory, new EmbeddedStore.Options(this.history, 64L << 20));
	}

	@Test
	void aSecondStoreOnALockedDirectoryFailsNamingTheDirectory() {
		assertThatThrownBy(() -> EmbeddedStore.open(this.directory, new EmbeddedStore.Options(10, 1 << 20)))
			.isInstanceOf(StoreException.class)
			.hasMessageContaining(this.directory.toString())
			.hasMessageContaining("in use");
	}

	@Test
	void aTornWriteAtTheEndOfTheLogIsDroppedOnRecovery() throws IOException {
		this.store.create("/a", bytes("1"));
		this.store.create("/b", bytes("2"));
		this.store.close();
		Path segment = WriteAheadLog.segments(this.directory).getLast();
		long validSize = Files.size(segment);
		// A crash in the middle of a group: a length and half a payload.
		Files.write(segment, new byte[] { 0, 0, 0, 100, 1, 2, 3, 4, 5, 6 }, StandardOpenOption.APPEND);

		this.store = EmbeddedStore.open(this.directory, new EmbeddedStore.Options(100, 1 << 20));

		assertThat(this.store.currentRevision()).isEqualTo(2);
		assertThat(Files.size(segment)).isEqualTo(validSize);
		assertThat(this.store.create("/c", bytes("3"))).isEqualTo(3);
	}

	@Test
	void aFullLogSegmentIsSnapshottedAndTruncatedAndARestartRecoversFromTheSnapshot() throws Exception {
		this.store.close();
		this.store = EmbeddedStore.open(this.directory, new EmbeddedStore.Options(100, 4096));
		byte[] value = "x".repeat(500).getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < 60; i++) {
			this.store.create("/s/k" + String.format("%03d", i), value);
		}
		this.store.delete("/s/k000", 0);

		org.awaitility.Awaitility.await().until(() -> !SnapshotFile.snapshots(this.directory).isEmpty());
		this.store.close();
		List<Path> segments = WriteAheadLog.segments(this.directory);
		long logBytes = 0;
		for (Path segment : segments) {
			logBytes += Files.size(segment);
		}
		assertThat(logBytes).as("the log was truncated by snapshots").isLessThan(60L * 500);

		this.store = EmbeddedStore.open(this.directory, new EmbeddedStore.Options(100, 4096));

		assertThat(this.store.currentRevision()).isEqualTo(61);
		assertThat(this.store.list("/s/", null, 0).items()).hasSize(59);
		assertThat(this.store.get("/s/k000")).isNull();
		assertThat(this.store.get("/s/k059").value()).isEqualTo(value);
	}

	@Test
	void aCorruptSnapshotStopsTheStartWithAMessageNamingTheFile() throws Exception {
		this.store.close();
		this.store = EmbeddedStore.open(this.directory, new EmbeddedStore.Options(100, 1024));
		for (int i = 0; i < 20; i++) {
			this.store.create("/s/k" + i, "x".repeat(200).getBytes(StandardCharsets.UTF_8));
		}
		org.awaitility.Awaitility.await().until(() -> !SnapshotFile.snapshots(this.directory).isEmpty());
		this.store.close();
		this.store = null;
		Path snapshot = SnapshotFile.snapshots(this.directory).getLast();
		byte[] content = Files.readAllBytes(snapshot);
		content[content.length / 2] ^= 0x55;
		Files.write(snapshot, content);

		assertThatThrownBy(() -> EmbeddedStore.open(this.directory, new EmbeddedStore.Options(100, 1024)))
			.isInstanceOf(StoreException.class)
			.hasMessageContaining(snapshot.getFileName().toString());
	}

}
