package io.stevedore.nodeagent.support;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker socket an agent can be pointed at and the test can make go dead without
 * stopping the machine's dockerd: while forwarding, every connection is joined to the
 * real engine's socket; while refusing, connections are accepted, counted and closed at
 * once (the engine gives no answer), and every forwarded connection still open is cut;
 * while hanging, connections are accepted and held without an answer, and forwarded
 * connections stop passing bytes (a hung engine, not a stopped one).
 */
public final class DockerSocketProxy implements AutoCloseable {

	private static final Path ENGINE = Path.of("/var/run/docker.sock");

	private final Path path;

	private final ServerSocketChannel server;

	private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger refused = new AtomicInteger();

	private volatile boolean refusing;

	private volatile boolean hanging;

	/** Connections accepted while hanging: held open, never read or answered. */
	private final Set<SocketChannel> held = ConcurrentHashMap.newKeySet();

	public DockerSocketProxy(Path path) throws IOException {
		this.path = path;
		Files.deleteIfExists(path);
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(path));
		Thread.ofVirtual().name("docker-proxy-accept").start(this::accept);
	}

	/** The docker host URL of this socket. */
	public String url() {
		return "unix://" + this.path;
	}

	/** Connections accepted and closed unanswered since the last {@link #refuse}. */
	public int refused() {
		return this.refused.get();
	}

	public void refuse() {
		this.refused.set(0);
		this.refusing = true;
		for (SocketChannel channel : this.open) {
			closeQuietly(channel);
		}
	}

	/** The engine hangs: nothing it is asked gets an answer until {@link #forward}. */
	public void hang() {
		this.hanging = true;
	}

	/** Connections held unanswered now (until {@link #forward}). */
	public int held() {
		return this.held.size();
	}

	public void forward() {
		this.refusing = false;
		this.hanging = false;
		// Whoever waited on a held connection has given up by now: cut them.
		for (SocketChannel channel : this.held) {
			closeQuietly(channel);
		}
		this.held.clear();
	}

	private void accept() {
		while (this.server.isOpen()) {
			SocketChannel client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (this.hanging) {
				this.held.add(client);
				continue;
			}
			if (this.refusing) {
				this.refused.incrementAndGet();
				closeQuietly(client);
				continue;
			}
			try {
				SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(ENGINE));
				this.open.add(client);
				this.open.add(engine);
				Thread.ofVirtual().start(() -> pump(client, engine));
				Thread.ofVirtual().start(() -> pump(engine, client));
			}
			catch (IOException ex) {
				closeQuietly(client);
			}
		}
	}

	private void pump(SocketChannel from, SocketChannel to) {
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		try {
			while (from.read(buffer) >= 0) {
				while (this.hanging && from.isOpen()) {
					Thread.sleep(20);
				}
				buffer.flip();
				while (buffer.hasRemaining()) {
					to.write(buffer);
				}
				buffer.clear();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			// cut by refuse() or by either side: close both below
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private void closeQuietly(SocketChannel channel) {
		this.open.remove(channel);
		try {
			channel.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		refuse();
		forward();
		Files.deleteIfExists(this.path);
	}

}
