package io.stevedore.storage.backup;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import io.stevedore.storage.Store;
import io.stevedore.storage.embedded.EmbeddedStore;

/** Backup and restore on the embedded store. */
class EmbeddedSnapshotTest extends SnapshotContract {

	@TempDir
	Path root;

	private int stores;

	@Override
	protected Store newStore() {
		return EmbeddedStore.open(this.root.resolve("store-" + (this.stores++)),
				new EmbeddedStore.Options(100_000, 64L << 20));
	}

}
