package io.stevedore.nodeagent.gc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A file system's inode counts (statfs f_files and f_ffree), which Java's FileStore does
 * not give: read with coreutils' {@code stat -f}.
 */
final class Inodes {

	private Inodes() {
	}

	/**
	 * @return {total, free}, or {-1, -1} when they cannot be read
	 */
	static long[] of(Path path) {
		try {
			Process stat = new ProcessBuilder("stat", "-f", "-c", "%c %d", path.toString()).redirectErrorStream(true)
				.start();
			byte[] out = stat.getInputStream().readNBytes(256);
			if (!stat.waitFor(5, TimeUnit.SECONDS)) {
				stat.destroyForcibly();
				return new long[] { -1, -1 };
			}
			String[] fields = new String(out, StandardCharsets.US_ASCII).strip().split("\\s+");
			if (stat.exitValue() != 0 || fields.length != 2) {
				return new long[] { -1, -1 };
			}
			long total = Long.parseLong(fields[0]);
			long free = Long.parseLong(fields[1]);
			// File systems without an inode table (btrfs, some overlays) report 0.
			return total > 0 ? new long[] { total, free } : new long[] { -1, -1 };
		}
		catch (IOException | NumberFormatException ex) {
			return new long[] { -1, -1 };
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new long[] { -1, -1 };
		}
	}

}
