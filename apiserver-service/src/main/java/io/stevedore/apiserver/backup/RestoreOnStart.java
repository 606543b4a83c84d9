package io.stevedore.apiserver.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

import io.stevedore.apiserver.encryption.EncryptingStore;
import io.stevedore.storage.Store;
import io.stevedore.storage.StoreException;
import io.stevedore.storage.backup.BackupFile;
import io.stevedore.storage.backup.Snapshot;
import io.stevedore.storage.backup.SnapshotRestore;

/**
 * With {@code stevedore.storage.restore-from=FILE}, loads a backup into the store as soon
 * as it is opened, before the watch cache reads it, and refuses to start when the store
 * already holds data or the file is not a complete backup (nothing is written then).
 */
class RestoreOnStart implements BeanPostProcessor {

	private static final Logger log = LoggerFactory.getLogger(RestoreOnStart.class);

	private final Path file;

	RestoreOnStart(Path file) {
		this.file = file;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof Store store) {
			try {
				// Backups hold the raw (encrypted) values: restore them as they are.
				restore((store instanceof EncryptingStore encrypting) ? encrypting.raw() : store);
			}
			catch (RuntimeException ex) {
				// The context will not destroy a bean that failed here: release the store
				// (the embedded one holds a directory lock) before failing the start.
				store.close();
				throw ex;
			}
		}
		return bean;
	}

	private void restore(Store store) {
		Snapshot snapshot;
		try (InputStream in = Files.newInputStream(this.file)) {
			snapshot = BackupFile.read(in);
		}
		catch (IOException ex) {
			throw new StoreException("stevedore.storage.restore-from: cannot read " + this.file + ": "
					+ (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()), ex);
		}
		try {
			int keys = SnapshotRestore.restore(store, snapshot);
			log.info("restored {} keys from {} (a backup taken at revision {})", keys, this.file, snapshot.revision());
		}
		catch (StoreException ex) {
			throw new StoreException("stevedore.storage.restore-from=" + this.file + ": " + ex.getMessage(), ex);
		}
	}

}
