package io.stevedore.nodeagent.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * Sets up a pod's volumes on the node's disk under
 * {@code <root>/pods/<uid>/volumes/<plugin>/<name>}, where containers bind-mount them.
 * They live as long as the pod, across container restarts; {@link #cleanUp} removes them
 * with the pod.
 * <p>
 * ConfigMap and Secret volumes are written the way the kubelet's AtomicWriter does: the
 * files go into a fresh timestamped directory, {@code ..data} is a symlink swapped to it
 * in one rename, and each key is a symlink through {@code ..data}. A running container
 * therefore sees an update all at once, never half-written.
 */
public final class VolumeManager {

	private final Path podsRoot;

	private final ApiObjects objects;

	private final TokenManager tokens;

	private final ProjectedVolumes projected;

	/** A node without a TokenRequest API: projected tokens fail to mount. */
	public VolumeManager(Path nodeRoot, ApiObjects objects) {
		this(nodeRoot, objects, new TokenManager(TokenRequests.NONE, java.time.Clock.systemUTC()));
	}

	public VolumeManager(Path nodeRoot, ApiObjects objects, TokenManager tokens) {
		this.podsRoot = nodeRoot.resolve("pods");
		this.objects = objects;
		this.tokens = tokens;
		this.projected = new ProjectedVolumes(objects, tokens);
	}

	/** Creates or refreshes every volume; returns each volume's host path by name. */
	public Map<String, Path> setUp(Pod pod) throws VolumeException {
		Map<String, Path> paths = new LinkedHashMap<>();
		String uid = pod.getMetadata().getUid();
		for (Volume volume : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
			try {
				paths.put(volume.getName(), setUp(pod, uid, volume));
			}
			catch (IOException ex) {
				throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume.getName() + "\": " + ex);
			}
		}
		return paths;
	}

	private Path setUp(Pod pod, String uid, Volume volume) throws IOException, VolumeException {
		String namespace = pod.getMetadata().getNamespace();
		if (volume.getEmptyDir() != null) {
			// medium: Memory is a plain directory for now; a tmpfs shared by the pod's
			// containers needs a mount on the node.
			return directory(uid, "kubernetes.io~empty-dir", volume.getName());
		}
		if (volume.getHostPath() != null) {
			return hostPath(volume.getName(), volume.getHostPath());
		}
		if (volume.getConfigMap() != null) {
			var source = volume.getConfigMap();
			ConfigMap map = this.objects.configMap(namespace, source.getName());
			Path dir = directory(uid, "kubernetes.io~configmap", volume.getName());
			if (map == null) {
				if (Boolean.TRUE.equals(source.getOptional())) {
					writeAtomically(dir, Map.of(), 0644);
					return dir;
				}
				throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume.getName()
						+ "\" : configmap \"" + source.getName() + "\" not found");
			}
			writeAtomically(dir, project(volume.getName(), configMapData(map), source.getItems(), source.getOptional()),
					mode(source.getDefaultMode()));
			return dir;
		}
		if (volume.getSecret() != null) {
			var source = volume.getSecret();
			Secret secret = this.objects.secret(namespace, source.getSecretName());
			Path dir = directory(uid, "kubernetes.io~secret", volume.getName());
			if (secret == null) {
				if (Boolean.TRUE.equals(source.getOptional())) {
					writeAtomically(dir, Map.of(), 0644);
					return dir;
				}
				throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume.getName() + "\" : secret \""
						+ source.getSecretName() + "\" not found");
			}
			writeAtomically(dir, project(volume.getName(), secretData(secret), source.getItems(), source.getOptional()),
					mode(source.getDefaultMode()));
			return dir;
		}
		if (volume.getProjected() != null) {
			VolumeFiles files = this.projected.projected(pod, volume.getName(), volume.getProjected());
			Path dir = directory(uid, "kubernetes.io~projected", volume.getName());
			writeAtomically(dir, files.content, files.modes, ProjectedVolumes.DEFAULT_MODE);
			return dir;
		}
		if (volume.getDownwardAPI() != null) {
			var source = volume.getDownwardAPI();
			VolumeFiles files = this.projected.downwardApi(pod, volume.getName(), source.getItems(),
					source.getDefaultMode());
			Path dir = directory(uid, "kubernetes.io~downward-api", volume.getName());
			writeAtomically(dir, files.content, files.modes, ProjectedVolumes.DEFAULT_MODE);
			return dir;
		}
		if (volume.getPersistentVolumeClaim() != null) {
			return io.stevedore.nodeagent.volume.ClaimVolumes.hostPath(this.objects, namespace, volume.getName(),
					volume.getPersistentVolumeClaim().getClaimName(), this::hostPath);
		}
		throw new VolumeException("volume \"" + volume.getName() + "\": this node supports emptyDir, hostPath, "
				+ "configMap, secret, projected, downwardAPI and persistentVolumeClaim volumes only");
	}

	static Map<String, byte[]> configMapData(ConfigMap map) {
		Map<String, byte[]> data = new LinkedHashMap<>();
		nonNull(map.getData()).forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
		nonNull(map.getBinaryData()).forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
		return data;
	}

	static Map<String, byte[]> secretData(Secret secret) {
		Map<String, byte[]> data = new LinkedHashMap<>();
		nonNull(secret.getData()).forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
		nonNull(secret.getStringData()).forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
		return data;
	}

	/** Only the listed items, under their paths, when items are given. */
	static Map<String, byte[]> project(String volume, Map<String, byte[]> data, List<KeyToPath> items, Boolean optional)
			throws VolumeException {
		if (items == null || items.isEmpty()) {
			return data;
		}
		Map<String, byte[]> projected = new LinkedHashMap<>();
		for (KeyToPath item : items) {
			byte[] value = data.get(item.getKey());
			if (value == null) {
				if (Boolean.TRUE.equals(optional)) {
					continue;
				}
				throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume
						+ "\" : configmap references non-existent config key: " + item.getKey());
			}
			projected.put(item.getPath(), value);
		}
		return projected;
	}

	private Path hostPath(String volume, HostPathVolumeSource source) throws IOException, VolumeException {
		Path path = Path.of(source.getPath());
		String type = source.getType() == null ? "" : source.getType();
		switch (type) {
			case "DirectoryOrCreate" -> Files.createDirectories(path);
			case "FileOrCreate" -> {
				Files.createDirectories(path.toAbsolutePath().getParent());
				if (!Files.exists(path)) {
					Files.createFile(path);
				}
			}
			case "Directory" -> require(volume, path, Files.isDirectory(path), "is not a directory");
			case "File" -> require(volume, path, Files.isRegularFile(path), "is not a file");
			case "Socket", "CharDevice", "BlockDevice" -> require(volume, path, Files.exists(path), "does not exist");
			default -> {
				// "" checks nothing, as in Kubernetes.
			}
		}
		return path;
	}

	private static void require(String volume, Path path, boolean ok, String problem) throws VolumeException {
		if (!ok) {
			throw new VolumeException("MountVolume.SetUp failed for volume \"" + volume + "\" : hostPath type check "
					+ "failed: " + path + " " + problem);
		}
	}

	private Path directory(String uid, String plugin, String name) throws IOException {
		Path dir = this.podsRoot.resolve(uid).resolve("volumes").resolve(plugin).resolve(name);
		Files.createDirectories(dir);
		return dir;
	}

	/**
	 * Writes the files if they differ from what {@code ..data} points to, then swaps
	 * {@code ..data} to them in one rename.
	 */
	static void writeAtomically(Path dir, Map<String, byte[]> files, int mode) throws IOException {
		writeAtomically(dir, files, Map.of(), mode);
	}

	/**
	 * As above, each file with its own mode, {@code defaultMode} for files not listed.
	 */
	static void writeAtomically(Path dir, Map<String, byte[]> files, Map<String, Integer> modes, int defaultMode)
			throws IOException {
		Path data = dir.resolve("..data");
		if (Files.exists(data) && sameContent(data, files)) {
			return;
		}
		Path fresh = Files.createTempDirectory(dir, "..");
		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			Path target = fresh.resolve(file.getKey());
			Files.createDirectories(target.getParent());
			Files.write(target, file.getValue());
			Files.setPosixFilePermissions(target, permissions(modes.getOrDefault(file.getKey(), defaultMode)));
		}
		Files.setPosixFilePermissions(fresh, permissions(0755));
		Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
		Path link = dir.resolve("..data_tmp");
		Files.deleteIfExists(link);
		Files.createSymbolicLink(link, fresh.getFileName());
		Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		for (String key : files.keySet()) {
			String top = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
			Path visible = dir.resolve(top);
			if (!Files.exists(visible, LinkOption.NOFOLLOW_LINKS)) {
				Files.createSymbolicLink(visible, Path.of("..data").resolve(top));
			}
		}
		// Keys that went away: their links now dangle; remove them.
		try (Stream<Path> entries = Files.list(dir)) {
			for (Path entry : entries.toList()) {
				String name = entry.getFileName().toString();
				if (!name.startsWith("..") && Files.isSymbolicLink(entry) && !Files.exists(entry)) {
					Files.delete(entry);
				}
			}
		}
		if (previous != null && !previous.equals(fresh)) {
			deleteTree(previous);
		}
	}

	private static boolean sameContent(Path data, Map<String, byte[]> files) throws IOException {
		try (Stream<Path> existing = Files.walk(data.toRealPath())) {
			long count = existing.filter(Files::isRegularFile).count();
			if (count != files.size()) {
				return false;
			}
		}
		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			Path path = data.resolve(file.getKey());
			if (!Files.isRegularFile(path) || !java.util.Arrays.equals(Files.readAllBytes(path), file.getValue())) {
				return false;
			}
		}
		return true;
	}

	/** Where the pod's files live on the node (volumes, resolv.conf). */
	public Path podDirectory(String uid) {
		return this.podsRoot.resolve(uid);
	}

	/** Removes everything the pod had on the node's disk. */
	public void cleanUp(String uid) {
		this.tokens.forget(uid);
		try {
			deleteTree(this.podsRoot.resolve(uid));
		}
		catch (IOException ex) {
			// left for the next attempt; nothing depends on it
		}
	}

	private static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	private static int mode(Integer defaultMode) {
		return defaultMode == null ? 0644 : defaultMode;
	}

	static Set<PosixFilePermission> permissions(int mode) {
		Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] order = { PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
				PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
				PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
				PosixFilePermission.OWNER_READ };
		for (int bit = 0; bit < order.length; bit++) {
			if ((mode & (1 << bit)) != 0) {
				set.add(order[bit]);
			}
		}
		return set;
	}

	private static <K, V> Map<K, V> nonNull(Map<K, V> map) {
		return map == null ? Map.of() : map;
	}

}
