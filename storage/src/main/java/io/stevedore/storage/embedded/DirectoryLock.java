package io.stevedore.storage.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.stevedore.storage.StoreException;

/**
 * An exclusive OS lock on {@code LOCK} in the store directory: the embedded store serves
 * exactly one apiserver, and a second one must fail loudly instead of corrupting the log.
 * The OS drops the lock when the process dies, so a crash never leaves it stale.
 */
final class DirectoryLock implements AutoCloseable {

	static final String FILE_NAME = "LOCK";

	private final FileChannel channel;

	private final FileLock lock;

	private DirectoryLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	static DirectoryLock acquire(Path directory) {
		Path file = directory.resolve(FILE_NAME);
		FileChannel channel;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw new StoreException("embedded store: cannot open lock file " + file + ": " + ex.getMessage(), ex);
		}
		FileLock lock = null;
		try {
			lock = channel.tryLock();
		}
		catch (OverlappingFileLockException | IOException ex) {
			// OverlappingFileLockException: this very JVM already holds it.
		}
		if (lock == null) {
			closeQuietly(channel);
			throw new StoreException(
					"embedded store: directory " + directory + " is in use by another Stevedore apiserver (" + file
							+ " is locked); the embedded store serves one apiserver only, use Redis for several");
		}
		return new DirectoryLock(channel, lock);
	}

	@Override
	public void close() {
		try {
			this.lock.release();
		}
		catch (IOException ex) {
			// closing the channel releases it anyway
		}
		closeQuietly(this.channel);
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// nothing left to release
		}
	}

}
