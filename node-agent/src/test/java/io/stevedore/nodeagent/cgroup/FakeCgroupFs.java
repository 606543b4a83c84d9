package io.stevedore.nodeagent.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A directory laid out like {@code /sys/fs/cgroup}: v1 with one tree per controller, or
 * v2 with {@code cgroup.controllers} at the top. Files the agent writes appear as plain
 * files; reading them back shows what was written.
 */
final class FakeCgroupFs {

	private FakeCgroupFs() {
	}

	/** cpu, cpuacct, memory, pids and blkio trees, as this build machine has them. */
	static Path v1(Path root) {
		try {
			for (String controller : new String[] { "cpu", "cpuacct", "memory", "pids", "blkio" }) {
				Files.writeString(Files.createDirectories(root.resolve(controller)).resolve("cgroup.procs"), "");
			}
			return root;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static Path v2(Path root) {
		try {
			Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
			Files.writeString(root.resolve("cgroup.procs"), "");
			return root;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The file's value, or null when it was never written. */
	static String read(Path file) {
		try {
			return Files.exists(file) ? Files.readString(file).strip() : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
