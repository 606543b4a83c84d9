package io.stevedore.proxy.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on one address, UDP and TCP on the same port, as DNS requires (a client that
 * gets a truncated UDP answer asks again over TCP). The UDP loop answers cluster names
 * itself and hands forwarding to virtual threads, so a slow upstream never holds up a
 * cluster lookup. TCP connections run on virtual threads, several queries each, closed
 * when idle; past {@code maxTcpConnections} a new connection is closed at once.
 */
final class DnsServer implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

	private final QueryHandler handler;

	private final DnsMetrics metrics;

	private final InetSocketAddress address;

	private final Semaphore tcpSlots;

	private final int tcpIdleMillis;

	private final ExecutorService workers = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("dns-worker-", 0).factory());

	private DatagramChannel udp;

	private ServerSocket tcp;

	private volatile boolean running;

	DnsServer(QueryHandler handler, DnsMetrics metrics, InetSocketAddress address, int maxTcpConnections,
			Duration tcpIdleTimeout) {
		this.handler = handler;
		this.metrics = metrics;
		this.address = address;
		this.tcpSlots = new Semaphore(maxTcpConnections);
		this.tcpIdleMillis = (int) Math.max(1, tcpIdleTimeout.toMillis());
	}

	/** Binds both sockets (failing here names the address) and starts serving. */
	void start() throws IOException {
		try {
			this.udp = DatagramChannel.open();
			this.udp.bind(this.address);
			this.tcp = new ServerSocket();
			this.tcp.setReuseAddress(true);
			this.tcp.bind(this.address, 128);
		}
		catch (IOException ex) {
			close();
			throw new IOException("cluster DNS cannot listen on " + this.address + ": " + ex.getMessage(), ex);
		}
		this.running = true;
		Thread.ofPlatform().name("dns-udp").daemon().start(this::serveUdp);
		Thread.ofPlatform().name("dns-tcp").daemon().start(this::acceptTcp);
		log.info("Cluster DNS listening on {} (UDP and TCP)", this.address);
	}

	InetSocketAddress address() {
		return this.address;
	}

	private void serveUdp() {
		ByteBuffer buffer = ByteBuffer.allocate(65535);
		while (this.running) {
			SocketAddress client;
			try {
				buffer.clear();
				client = this.udp.receive(buffer);
			}
			catch (ClosedChannelException ex) {
				return;
			}
			catch (IOException ex) {
				log.debug("UDP receive failed: {}", ex.toString());
				continue;
			}
			byte[] query = Arrays.copyOf(buffer.array(), buffer.position());
			try {
				switch (this.handler.handle(query, Transport.UDP)) {
					case QueryHandler.Outcome.Reply reply -> send(reply.wire(), client);
					case QueryHandler.Outcome.Blocking blocking ->
						this.workers.execute(() -> send(blocking.work().get(), client));
					case QueryHandler.Outcome.Drop drop -> {
					}
				}
			}
			catch (RuntimeException ex) {
				// One bad message must not stop the server; the client times out and
				// retries.
				log.warn("Failed to answer a UDP query from {}", client, ex);
			}
		}
	}

	private void send(byte[] reply, SocketAddress client) {
		try {
			this.udp.send(ByteBuffer.wrap(reply), client);
			this.metrics.sent(Transport.UDP, reply);
		}
		catch (IOException ex) {
			log.debug("UDP send to {} failed: {}", client, ex.toString());
		}
	}

	private void acceptTcp() {
		while (this.running) {
			Socket socket;
			try {
				socket = this.tcp.accept();
			}
			catch (IOException ex) {
				if (this.running) {
					log.debug("TCP accept failed: {}", ex.toString());
				}
				continue;
			}
			if (!this.tcpSlots.tryAcquire()) {
				closeQuietly(socket);
				continue;
			}
			this.workers.execute(() -> {
				try {
					serveTcp(socket);
				}
				finally {
					this.tcpSlots.release();
				}
			});
		}
	}

	private void serveTcp(Socket socket) {
		try (socket) {
			socket.setSoTimeout(this.tcpIdleMillis);
			DataInputStream in = new DataInputStream(socket.getInputStream());
			DataOutputStream out = new DataOutputStream(socket.getOutputStream());
			while (this.running) {
				int length = in.readUnsignedShort();
				byte[] query = new byte[length];
				in.readFully(query);
				Optional<byte[]> reply = this.handler.reply(query, Transport.TCP);
				if (reply.isEmpty()) {
					return;
				}
				out.writeShort(reply.get().length);
				out.write(reply.get());
				out.flush();
				this.metrics.sent(Transport.TCP, reply.get());
			}
		}
		catch (EOFException | SocketTimeoutException ex) {
			// The client is done, or idle too long.
		}
		catch (IOException | RuntimeException ex) {
			log.debug("TCP connection {} failed: {}", socket.getRemoteSocketAddress(), ex.toString());
		}
	}

	@Override
	public void close() {
		this.running = false;
		closeQuietly(this.udp);
		closeQuietly(this.tcp);
		this.workers.shutdownNow();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable == null) {
			return;
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Shutting down.
		}
	}

}
