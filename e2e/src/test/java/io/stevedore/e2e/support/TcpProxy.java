package io.stevedore.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy a test can cut: {@link #cut()} closes every open connection and
 * refuses new ones until {@link #restore()}, which is what a client sees when the network
 * or the apiserver goes away. Used to make a client's watch reconnect at a moment the
 * test chooses (for example after the store was compacted, to get a 410 Gone).
 *
 * <p>
 * Threading: one virtual thread accepts, two per connection copy bytes; {@code cut} and
 * {@code restore} may be called from any thread.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final int targetPort;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile boolean cut;

	private TcpProxy(ServerSocket listener, int targetPort) {
		this.listener = listener;
		this.targetPort = targetPort;
		Thread.ofVirtual().name("tcp-proxy-accept").start(this::acceptLoop);
	}

	/** A proxy on a free loopback port to {@code 127.0.0.1:targetPort}. */
	public static TcpProxy to(int targetPort) {
		try {
			ServerSocket listener = new ServerSocket();
			listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return new TcpProxy(listener, targetPort);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot listen on a loopback port", ex);
		}
	}

	public String url() {
		return "http://127.0.0.1:" + this.listener.getLocalPort();
	}

	/** Closes every open connection and refuses new ones. */
	public void cut() {
		this.cut = true;
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
		this.open.clear();
	}

	/** Accepts and forwards connections again. */
	public void restore() {
		this.cut = false;
	}

	@Override
	public void close() {
		cut();
		closeQuietly(this.listener);
	}

	private void acceptLoop() {
		while (!this.listener.isClosed()) {
			Socket client;
			try {
				client = this.listener.accept();
			}
			catch (IOException ex) {
				return; // the listener was closed
			}
			if (this.cut) {
				closeQuietly(client);
				continue;
			}
			try {
				Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.open.add(client);
				this.open.add(target);
				Thread.ofVirtual().start(() -> pipe(client, target));
				Thread.ofVirtual().start(() -> pipe(target, client));
			}
			catch (IOException ex) {
				closeQuietly(client); // the target refused: so does the proxy
			}
		}
	}

	private void pipe(Socket from, Socket to) {
		byte[] buffer = new byte[16384];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// One side closed: close both below.
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Already closed.
		}
	}

}
