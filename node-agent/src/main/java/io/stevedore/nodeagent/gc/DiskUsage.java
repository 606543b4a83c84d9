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
	 */
	record Usage(long capacityBytes, long availableBytes) {

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
				FileStore store = Files.getFileStore(existing == null ? Path.of("/") : existing);
				return new Usage(store.getTotalSpace(), store.getUsableSpace());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot read the file system of " + path, ex);
			}
		};
	}

}
