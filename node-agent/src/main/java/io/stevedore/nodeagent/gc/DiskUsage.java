package io.stevedore.nodeagent.gc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How full the file system holding the images is. */
@FunctionalInterface
public interface DiskUsage {

	Usage usage();

	/**
	 * @param capacityBytes the file system's size
	 * @param availableBytes what unprivileged writers may still use (statfs f_bavail, as
	 * the kubelet's cadvisor reports it)
	 * @param inodes the file system's inodes, -1 when unknown
	 * @param inodesFree its free inodes, -1 when unknown
	 */
	record Usage(long capacityBytes, long availableBytes, long inodes, long inodesFree) {

		/** Without inode figures. */
		public Usage(long capacityBytes, long availableBytes) {
			this(capacityBytes, availableBytes, -1, -1);
		}

		/** Percent used, rounded down as the kubelet computes it. */
		public int percentUsed() {
			return this.capacityBytes <= 0 ? 0
					: (int) ((this.capacityBytes - this.availableBytes) * 100 / this.capacityBytes);
		}

	}

	/** The file system of {@code path}, or of its nearest existing parent. */
	static DiskUsage of(Path path) {
		return () -> {
			Path existing = path.toAbsolutePath();
			while (existing != null && !Files.exists(existing)) {
				existing = existing.getParent();
			}
			try {
				Path at = existing == null ? Path.of("/") : existing;
				FileStore store = Files.getFileStore(at);
				long[] inodes = Inodes.of(at);
				return new Usage(store.getTotalSpace(), store.getUsableSpace(), inodes[0], inodes[1]);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read the file system of " + path, ex);
			}
		};
	}

}
