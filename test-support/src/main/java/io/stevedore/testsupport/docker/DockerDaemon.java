package io.stevedore.testsupport.docker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Makes sure a Docker engine answers on {@code /var/run/docker.sock} before a test uses
 * it. CI starts from a machine where Debian's docker.io is installed but not running: the
 * first test starts {@code dockerd} in the background (it outlives the JVM, like a system
 * service) and every later one finds it up. Without dockerd the test fails with a message
 * saying how to install it.
 */
public final class DockerDaemon {

	public static final Path SOCKET = Path.of("/var/run/docker.sock");

	public static final String HOST = "unix://" + SOCKET;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private DockerDaemon() {
	}

	/**
	 * Returns once {@code docker info} works; starts dockerd when the socket is absent.
	 */
	public static synchronized void ensureRunning() {
		if (answers()) {
			return;
		}
		if (!Files.exists(SOCKET)) {
			start();
		}
		Instant deadline = Instant.now().plus(START_TIMEOUT);
		while (Instant.now().isBefore(deadline)) {
			if (answers()) {
				return;
			}
			sleep(Duration.ofMillis(500));
		}
		throw new IllegalStateException("Docker engine not answering on " + SOCKET + " after " + START_TIMEOUT
				+ "; see /tmp/dockerd.log (start it with: dockerd > /tmp/dockerd.log 2>&1 &)");
	}

	private static void start() {
		String dockerd = which("dockerd");
		if (dockerd == null) {
			throw new IllegalStateException("no Docker engine: " + SOCKET + " is missing and dockerd is not installed "
					+ "(install it with: apt-get install -y docker.io)");
		}
		try {
			// setsid: dockerd must not die with this JVM, other test JVMs share it.
			new ProcessBuilder("setsid", dockerd).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("/tmp/dockerd.log")))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("could not start " + dockerd + ": " + ex.getMessage(), ex);
		}
	}

	static boolean answers() {
		try {
			Process process = new ProcessBuilder(List.of("docker", "info", "--format", "{{.ServerVersion}}"))
				.redirectErrorStream(true)
				.start();
			process.getInputStream().readAllBytes();
			return process.waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static String which(String program) {
		for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin", "/bin")) {
			Path candidate = Path.of(dir, program);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for dockerd", ex);
		}
	}

}
