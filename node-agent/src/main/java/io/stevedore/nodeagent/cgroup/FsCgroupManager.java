package io.stevedore.nodeagent.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The cgroup file system as the cgroupfs driver uses it, on either version, found by what
 * is mounted under the root given ({@code /sys/fs/cgroup}; a directory laid out alike in
 * tests):
 * <ul>
 * <li>v2 (unified, {@code cgroup.controllers} at the root): one tree; {@code cpu.weight},
 * {@code cpu.max}, {@code memory.max}, and the controllers enabled in each parent's
 * {@code cgroup.subtree_control} so the child has the files.</li>
 * <li>v1: one tree per controller ({@code cpu}, {@code memory}, ...; {@code cpu,cpuacct}
 * when mounted together); {@code cpu.shares}, {@code cpu.cfs_quota_us},
 * {@code memory.limit_in_bytes}.</li>
 * </ul>
 * A cgroup is created in the trees whose files the agent writes or reads (cpu, cpuacct,
 * memory, pids); runc creates it in the others when a container starts under it, so it is
 * removed from every tree.
 */
public final class FsCgroupManager implements CgroupManager {

	/** The v1 controllers a cgroup is created in. */
	private static final List<String> CREATED_IN = List.of("cpu", "cpuacct", "memory", "pids");

	/** runc's conversion range: shares 2..262144 onto weight 1..10000. */
	private static final long MAX_SHARES = 262_144;

	private final Path mount;

	private final boolean v2;

	/** v1: each hierarchy's directory by its controllers ({@code cpu,cpuacct}). */
	private final Map<String, Path> hierarchies;

	public FsCgroupManager(Path mount) {
		this.mount = mount;
		this.v2 = Files.isRegularFile(mount.resolve("cgroup.controllers"));
		this.hierarchies = this.v2 ? Map.of() : hierarchies(mount);
	}

	/**
	 * Whether a cgroup file system is mounted there at all: v2, or v1 with cpu and memory
	 * trees.
	 */
	public boolean mounted() {
		return this.v2 || (tree("cpu") != null && tree("memory") != null);
	}

	@Override
	public String version() {
		return this.v2 ? "v2" : "v1";
	}

	private static Map<String, Path> hierarchies(Path mount) {
		Map<String, Path> found = new LinkedHashMap<>();
		List<Path> real = new ArrayList<>();
		try (DirectoryStream<Path> dirs = Files.newDirectoryStream(mount)) {
			for (Path dir : dirs) {
				// cpu and cpuacct are often links to "cpu,cpuacct": one tree, listed
				// once.
				if (Files.isRegularFile(dir.resolve("cgroup.procs")) && !real.contains(dir.toRealPath())) {
					real.add(dir.toRealPath());
					found.put(dir.getFileName().toString(), dir);
				}
			}
		}
		catch (IOException ex) {
			// nothing mounted here
		}
		return found;
	}

	/** The v1 tree holding the controller, or null. */
	private Path tree(String controller) {
		for (Map.Entry<String, Path> entry : this.hierarchies.entrySet()) {
			if (List.of(entry.getKey().split(",")).contains(controller)) {
				return entry.getValue();
			}
		}
		return null;
	}

	private static Path under(Path tree, String path) {
		return tree.resolve(path.startsWith("/") ? path.substring(1) : path);
	}

	@Override
	public void create(String path, ResourceConfig config) {
		try {
			if (this.v2) {
				Path dir = under(this.mount, path);
				Files.createDirectories(dir);
				enableControllers(dir);
			}
			else {
				for (String controller : CREATED_IN) {
					Path tree = tree(controller);
					if (tree != null) {
						Files.createDirectories(under(tree, path));
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create cgroup " + path + ": " + ex, ex);
		}
		update(path, config);
	}

	/**
	 * v2: a child has cpu and memory files only when every parent delegates the
	 * controllers to its children.
	 */
	private void enableControllers(Path dir) {
		for (Path parent = dir.getParent(); parent != null
				&& parent.startsWith(this.mount); parent = parent.getParent()) {
			for (String controller : List.of("cpu", "memory", "pids")) {
				try {
					write(parent.resolve("cgroup.subtree_control"), "+" + controller);
				}
				catch (IOException ex) {
					// not available or already enabled by whoever owns the parent
				}
			}
			if (parent.equals(this.mount)) {
				break;
			}
		}
	}

	@Override
	public void update(String path, ResourceConfig config) {
		try {
			if (this.v2) {
				Path dir = under(this.mount, path);
				if (config.cpuShares() > 0) {
					write(dir.resolve("cpu.weight"), Long.toString(weight(config.cpuShares())));
				}
				if (config.cpuQuotaMicros() > 0) {
					write(dir.resolve("cpu.max"), config.cpuQuotaMicros() + " " + config.cpuPeriodMicros());
				}
				if (config.memoryBytes() > 0) {
					write(dir.resolve("memory.max"), Long.toString(config.memoryBytes()));
				}
				return;
			}
			Path cpu = tree("cpu") == null ? null : under(tree("cpu"), path);
			if (cpu != null && config.cpuShares() > 0) {
				write(cpu.resolve("cpu.shares"), Long.toString(config.cpuShares()));
			}
			if (cpu != null && config.cpuQuotaMicros() > 0) {
				// The period first: the kernel checks the quota against it.
				write(cpu.resolve("cpu.cfs_period_us"), Long.toString(config.cpuPeriodMicros()));
				write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(config.cpuQuotaMicros()));
			}
			if (tree("memory") != null && config.memoryBytes() > 0) {
				write(under(tree("memory"), path).resolve("memory.limit_in_bytes"),
						Long.toString(config.memoryBytes()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write cgroup " + path + ": " + ex, ex);
		}
	}

	/** cgroup v1 shares onto v2's weight, as runc and the kubelet convert them. */
	static long weight(long shares) {
		long clamped = Math.min(MAX_SHARES, Math.max(2, shares));
		return 1 + ((clamped - 2) * 9999) / (MAX_SHARES - 2);
	}

	private static void write(Path file, String value) throws IOException {
		// No CREATE on a real cgroup file system: a missing file is a missing controller.
		// A plain directory (tests) gets the file.
		if (Files.exists(file)) {
			Files.writeString(file, value, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
		}
		else {
			Files.writeString(file, value, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		}
	}

	@Override
	public boolean exists(String path) {
		Path tree = this.v2 ? this.mount : tree("memory");
		return tree != null && Files.isDirectory(under(tree, path));
	}

	@Override
	public boolean remove(String path) {
		boolean gone = true;
		for (Path tree : this.v2 ? List.of(this.mount) : this.hierarchies.values()) {
			Path dir = under(tree, path);
			if (!Files.isDirectory(dir)) {
				continue;
			}
			try {
				if (!isCgroupFs(dir)) {
					// A plain directory (tests): the kernel's files are not children.
					deleteFiles(dir);
				}
				Files.delete(dir);
			}
			catch (IOException ex) {
				gone = false;
			}
		}
		return gone;
	}

	private static boolean isCgroupFs(Path dir) throws IOException {
		String type = Files.getFileStore(dir).type();
		return type.equals("cgroup") || type.equals("cgroup2");
	}

	private static void deleteFiles(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				Files.delete(file);
			}
		}
	}

	@Override
	public List<String> children(String path) {
		Path tree = this.v2 ? this.mount : tree("memory");
		if (tree == null || !Files.isDirectory(under(tree, path))) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(under(tree, path))) {
			return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	@Override
	public OptionalLong memoryWorkingSet(String path) {
		Path tree = this.v2 ? this.mount : tree("memory");
		if (tree == null) {
			return OptionalLong.empty();
		}
		Path dir = under(tree, path);
		try {
			long usage = Long.parseLong(firstLine(dir.resolve(this.v2 ? "memory.current" : "memory.usage_in_bytes")));
			long inactive = statValue(Files.readAllLines(dir.resolve("memory.stat")),
					this.v2 ? "inactive_file" : "total_inactive_file");
			return OptionalLong.of(Math.max(0, usage - inactive));
		}
		catch (IOException | RuntimeException ex) {
			return OptionalLong.empty();
		}
	}

	/**
	 * One of the cgroup's files, for tests and diagnostics: the controller's tree on v1.
	 */
	Path file(String controller, String path, String name) {
		Path tree = this.v2 ? this.mount : tree(controller);
		return under(tree, path).resolve(name);
	}

	// By lines: a cgroup file's size is not what it holds.
	private static String firstLine(Path file) throws IOException {
		return Files.readAllLines(file).get(0).strip();
	}

	private static long statValue(List<String> lines, String key) {
		for (String line : lines) {
			int space = line.indexOf(' ');
			if (space > 0 && line.substring(0, space).equals(key)) {
				return Long.parseLong(line.substring(space + 1).strip());
			}
		}
		return 0;
	}

}
