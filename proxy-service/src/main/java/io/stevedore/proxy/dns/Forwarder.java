package io.stevedore.proxy.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a query, byte for byte, to the node's resolvers in order until one answers, over
 * the transport the client used: a UDP answer the upstream truncated reaches the client
 * truncated, and the client's retry over TCP is relayed over TCP. The reply keeps the
 * client's message ID because the query is not rewritten. Blocking; run it on a virtual
 * thread.
 */
final class Forwarder {

	private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

	private static final int MAX_UDP = 65535;

	private final List<InetSocketAddress> upstreams;

	private final int timeoutMillis;

	Forwarder(List<InetSocketAddress> upstreams, Duration timeout) {
		this.upstreams = List.copyOf(upstreams);
		this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
	}

	List<InetSocketAddress> upstreams() {
		return this.upstreams;
	}

	/** The first upstream reply, or empty when none answered in time. */
	Optional<byte[]> forward(byte[] query, Transport transport) {
		for (InetSocketAddress upstream : this.upstreams) {
			try {
				byte[] reply = (transport == Transport.UDP) ? udp(upstream, query) : tcp(upstream, query);
				if (reply != null) {
					return Optional.of(reply);
				}
			}
			catch (IOException ex) {
				log.debug("Upstream {} failed: {}", upstream, ex.toString());
			}
		}
		return Optional.empty();
	}

	private byte[] udp(InetSocketAddress upstream, byte[] query) throws IOException {
		// A fresh socket per query: a random source port, and only this upstream's
		// packets.
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.connect(upstream);
			socket.setSoTimeout(this.timeoutMillis);
			socket.send(new DatagramPacket(query, query.length));
			long deadline = System.nanoTime() + this.timeoutMillis * 1_000_000L;
			byte[] buffer = new byte[MAX_UDP];
			while (true) {
				DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
				try {
					socket.receive(packet);
				}
				catch (SocketTimeoutException ex) {
					return null;
				}
				// A late answer to an earlier query cannot arrive (fresh port), but a
				// forged
				// or garbled one can: only the same message ID counts.
				if (packet.getLength() >= 12 && buffer[0] == query[0] && buffer[1] == query[1]) {
					return Arrays.copyOf(buffer, packet.getLength());
				}
				int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
				if (left <= 0) {
					return null;
				}
				socket.setSoTimeout(left);
			}
		}
	}

	private byte[] tcp(InetSocketAddress upstream, byte[] query) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(upstream, this.timeoutMillis);
			socket.setSoTimeout(this.timeoutMillis);
			DataOutputStream out = new DataOutputStream(socket.getOutputStream());
			out.writeShort(query.length);
			out.write(query);
			out.flush();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			int length = in.readUnsignedShort();
			byte[] reply = new byte[length];
			in.readFully(reply);
			return reply;
		}
		catch (SocketTimeoutException ex) {
			return null;
		}
	}

}
