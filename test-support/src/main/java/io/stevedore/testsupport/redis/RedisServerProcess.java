package io.stevedore.testsupport.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} for tests, on a free 127.0.0.1 port with its own temporary
 * directory. By default it is durable the way the storage backend wants it (AOF on,
 * {@code appendfsync always}); {@link #stop()} followed by {@link #start()} restarts it
 * on the same port and directory, so its AOF is replayed, to test recovery.
 *
 * <p>
 * Threading: not thread-safe; one test drives one process.
 */
public final class RedisServerProcess implements AutoCloseable {

	static final Path DEFAULT_BINARY = Path.of("/usr/bin/redis-server");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

	private final Path binary;

	private final Path directory;

	private final int port;

	private final List<String> config;

	private Process process;

	private RedisServerProcess(Path binary, Path directory, int port, List<String> config) {
		this.binary = binary;
		this.directory = directory;
		this.port = port;
		this.config = config;
	}

	/** Starts a durable server: {@code appendonly yes}, {@code appendfsync always}. */
	public static RedisServerProcess launch() {
		return launch(List.of("--appendonly", "yes", "--appendfsync", "always"));
	}

	/**
	 * Starts a server with the given extra {@code redis-server} arguments (for example
	 * {@code --appendonly no} to test a store that must turn durability on itself).
	 */
	public static RedisServerProcess launch(List<String> extraArguments) {
		Path binary = findBinary();
		try {
			Path directory = Files.createTempDirectory("stevedore-redis-");
			RedisServerProcess server = new RedisServerProcess(binary, directory, freePort(),
					List.copyOf(extraArguments));
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a directory for redis-server", ex);
		}
	}

	static Path findBinary() {
		if (Files.isExecutable(DEFAULT_BINARY)) {
			return DEFAULT_BINARY;
		}
		String path = System.getenv().getOrDefault("PATH", "");
		for (String entry : path.split(java.io.File.pathSeparator)) {
			Path candidate = Path.of(entry, "redis-server");
			if (!entry.isEmpty() && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new IllegalStateException(
				"redis-server is not installed (looked at /usr/bin/redis-server and PATH): run `apt-get install -y redis-server`");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** {@code redis://127.0.0.1:PORT}. */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	public Path directory() {
		return this.directory;
	}

	public boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Starts the server again on the same port and directory; waits until it answers
	 * PING.
	 */
	public void start() {
		if (isRunning()) {
			return;
		}
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "--port", String.valueOf(this.port),
				"--bind", "127.0.0.1", "--dir", this.directory.toString(), "--save", "", "--daemonize", "no",
				"--logfile", this.directory.resolve("redis.log").toString()));
		command.addAll(this.config);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("redis.out").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + this.binary, ex);
		}
		awaitPing();
	}

	private void awaitPing() {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + this.process.exitValue() + ", see "
						+ this.directory.resolve("redis.log"));
			}
			if (ping()) {
				return;
			}
			sleep(20);
		}
		stop();
		throw new IllegalStateException("redis-server did not answer PING within " + STARTUP_TIMEOUT + " on " + url()
				+ ", see " + this.directory.resolve("redis.log"));
	}

	/** Whether the server answers PING with PONG right now (inline RESP command). */
	public boolean ping() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(7);
			return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Sends one command and returns its raw RESP reply (for assertions such as CONFIG
	 * GET; tests that need a real client use the code under test).
	 */
	public String call(String... arguments) {
		StringBuilder request = new StringBuilder("*").append(arguments.length).append("\r\n");
		for (String argument : arguments) {
			byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
			request.append('$').append(bytes.length).append("\r\n").append(argument).append("\r\n");
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 1000);
			socket.setSoTimeout(300);
			socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
			InputStream in = socket.getInputStream();
			java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			try {
				int n;
				while ((n = in.read(buffer)) > 0) {
					reply.write(buffer, 0, n);
				}
			}
			catch (java.net.SocketTimeoutException ex) {
				// the server keeps the connection open: the reply is complete once it
				// goes quiet
			}
			return reply.toString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("redis-server on " + url() + " did not answer", ex);
		}
	}

	/**
	 * Stops the server the hard way (SIGKILL), as a crash would: only what the AOF holds
	 * survives.
	 */
	public void kill() {
		if (this.process == null) {
			return;
		}
		this.process.destroyForcibly();
		waitFor();
	}

	/** Stops the server with SIGTERM and waits for it to exit. */
	public void stop() {
		if (this.process == null) {
			return;
		}
		this.process.destroy();
		waitFor();
	}

	private void waitFor() {
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	@Override
	public void close() {
		kill();
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a leftover temp directory is harmless
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for redis-server", ex);
		}
	}

}
