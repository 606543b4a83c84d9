package io.stevedore.testsupport.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the images tests run, without any registry: a root filesystem holding Debian's
 * static busybox and its applet links, imported with {@code docker import}. It has a
 * shell, {@code sleep}, {@code nc}, {@code wget} and {@code httpd}, which is all a test
 * pod needs. Built once per engine; later calls find the image present.
 */
public final class TestImages {

	/**
	 * The busybox image; a tag other than latest so its default pull policy is
	 * IfNotPresent.
	 */
	public static final String BUSYBOX = "stevedore-test/busybox:1";

	private static final Path BUSYBOX_BINARY = Path.of("/bin/busybox");

	private TestImages() {
	}

	/** Ensures the engine runs and holds {@link #BUSYBOX}; returns its reference. */
	public static synchronized String busybox() {
		DockerDaemon.ensureRunning();
		if (Docker.tryRun("image", "inspect", BUSYBOX).exitCode() == 0) {
			return BUSYBOX;
		}
		if (!Files.isExecutable(BUSYBOX_BINARY)) {
			throw new IllegalStateException("cannot build " + BUSYBOX + ": " + BUSYBOX_BINARY
					+ " is missing (apt-get install -y busybox-static)");
		}
		try {
			Path root = Files.createTempDirectory("stevedore-busybox-root");
			try {
				buildRoot(root);
				importImage(root);
			}
			finally {
				deleteTree(root);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot build " + BUSYBOX + ": " + ex.getMessage(), ex);
		}
		return BUSYBOX;
	}

	private static void buildRoot(Path root) throws IOException {
		for (String dir : List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "tmp", "var/www", "root", "proc", "sys",
				"dev")) {
			Files.createDirectories(root.resolve(dir));
		}
		Files.copy(BUSYBOX_BINARY, root.resolve("bin/busybox"));
		root.resolve("bin/busybox").toFile().setExecutable(true, false);
		String applets = run(List.of(BUSYBOX_BINARY.toString(), "--list-full"));
		for (String applet : applets.split("\\s+")) {
			if (applet.isBlank() || applet.equals("bin/busybox")) {
				continue;
			}
			Path link = root.resolve(applet);
			Files.createDirectories(link.getParent());
			if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
				Files.createSymbolicLink(link, Path.of("/bin/busybox"));
			}
		}
		Files.writeString(root.resolve("etc/passwd"),
				"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
		Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
		root.resolve("tmp").toFile().setWritable(true, false);
	}

	private static void importImage(Path root) throws IOException {
		Path tar = Files.createTempFile("stevedore-busybox", ".tar");
		try {
			run(List.of("tar", "-C", root.toString(), "-cf", tar.toString(), "."));
			Docker.run("import", "--change", "CMD [\"/bin/sh\"]", "--change", "ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin",
					tar.toString(), BUSYBOX);
		}
		finally {
			Files.deleteIfExists(tar);
		}
	}

	private static String run(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.waitFor() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + command + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted running " + command, ex);
		}
	}

	private static void deleteTree(Path root) throws IOException {
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
