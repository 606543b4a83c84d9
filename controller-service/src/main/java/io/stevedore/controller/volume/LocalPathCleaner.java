package io.stevedore.controller.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a deleted local-path volume's directory. rancher's provisioner runs a helper
 * pod on the volume's node for this; a {@code ./stevedore} cluster's nodes share this
 * machine's disk, so the controller removes it itself when it sees it under its root.
 * Only a directory the provisioner made ({@code <root>/<node>/pvc-...}) is touched; where
 * the controller does not share the nodes' disk nothing is there to see and the directory
 * stays behind.
 */
final class LocalPathCleaner {

	private static final Logger log = LoggerFactory.getLogger(LocalPathCleaner.class);

	private final Path root;

	LocalPathCleaner(String root) {
		this.root = Path.of(root).toAbsolutePath().normalize();
	}

	/** True when the volume's directory is gone (or was never one of ours). */
	boolean remove(PersistentVolume volume) {
		if (volume.getMetadata().getAnnotations() == null
				|| !LocalPathProvisioner.NAME
					.equals(volume.getMetadata().getAnnotations().get(LocalPathProvisioner.PROVISIONED_BY))
				|| volume.getSpec().getHostPath() == null) {
			return true;
		}
		Path dir = Path.of(volume.getSpec().getHostPath().getPath()).toAbsolutePath().normalize();
		boolean ours = dir.getParent() != null && this.root.equals(dir.getParent().getParent())
				&& dir.getFileName().toString().startsWith(volume.getMetadata().getName() + "_");
		if (!ours) {
			return true;
		}
		try {
			if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
				try (Stream<Path> paths = Files.walk(dir)) {
					for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
						Files.deleteIfExists(path);
					}
				}
			}
			return true;
		}
		catch (IOException ex) {
			log.warn("volume {}: could not remove {}: {}", volume.getMetadata().getName(), dir, ex.toString());
			return false;
		}
	}

}
