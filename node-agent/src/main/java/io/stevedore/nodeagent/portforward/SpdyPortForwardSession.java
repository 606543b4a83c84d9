package io.stevedore.nodeagent.portforward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.stevedore.nodeagent.spdy.SpdySession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of Kubernetes' port-forward protocol ({@code portforward.k8s.io}) on a
 * SPDY/3.1 byte stream, as the kubelet's {@code httpstream.go} serves it: per forwarded
 * connection the client opens an {@code error} and a {@code data} stream with the same
 * {@code requestID} and a {@code port}; once both are there the pod's port is dialled,
 * bytes are copied both ways on the data stream, and a dial failure is written as text on
 * the error stream. Both streams are half-closed (FIN) when the pod's side ends, as the
 * kubelet's deferred closes do.
 * <p>
 * The SPDY connection itself is {@link SpdySession}'s.
 * <p>
 * Threading: the streams' state is under {@code this}, the session's lock. One virtual
 * thread per forwarded connection reads the pod's socket.
 */
public final class SpdyPortForwardSession extends SpdySession {

	private static final Logger log = LoggerFactory.getLogger(SpdyPortForwardSession.class);

	/** Bytes read from the pod per data frame (kubectl copies in 32 KiB pieces too). */
	private static final int CHUNK = 32 * 1024;

	/** Opens a connection to the pod's port. */
	public interface Dialer {

		/**
		 * @throws IOException with the message the client is shown
		 */
		Socket dial(int port) throws IOException;

	}

	private final Dialer dialer;

	private final String podDescription;

	/** Streams waiting for their partner, by requestID. */
	private final Map<String, Pair> pairs = new HashMap<>();

	/** Open data streams' pod connections by stream id. */
	private final Map<Integer, Socket> sockets = new HashMap<>();

	/**
	 * @param podDescription how error messages name the pod (the kubelet's "pod NAME, uid
	 * UID")
	 */
	public SpdyPortForwardSession(Output output, Dialer dialer, String podDescription) {
		super(output);
		this.dialer = dialer;
		this.podDescription = podDescription;
	}

	@Override
	protected void ended() {
		List<Socket> open;
		synchronized (this) {
			open = new ArrayList<>(this.sockets.values());
			this.sockets.clear();
		}
		open.forEach(SpdyPortForwardSession::closeQuietly);
	}

	@Override
	protected void reset(int streamId) {
		if (streamId < 0) {
			this.sockets.values().forEach(SpdyPortForwardSession::closeQuietly);
			this.sockets.clear();
		}
		else {
			closeQuietly(this.sockets.remove(streamId));
		}
	}

	@Override
	protected void opened(SpdySynStreamFrame syn) {
		int id = syn.streamId();
		String type = header(syn, "streamType");
		String port = header(syn, "port");
		String requestId = header(syn, "requestID");
		if (requestId == null) {
			// Protocol v1 clients sent no requestID: the kubelet pairs by stream id then.
			requestId = Integer.toString(type != null && type.equals("data") ? id - 2 : id);
		}
		int portNumber = parsePort(port);
		if (type == null || !(type.equals("error") || type.equals("data")) || portNumber <= 0) {
			log.debug("refusing stream {}: streamType {} port {}", id, type, port);
			refuse(id);
			return;
		}
		reply(id);
		Pair pair = this.pairs.computeIfAbsent(requestId, k -> new Pair(portNumber));
		if (type.equals("error")) {
			pair.errorStream = id;
		}
		else {
			pair.dataStream = id;
		}
		if (pair.errorStream != 0 && pair.dataStream != 0) {
			this.pairs.remove(requestId);
			this.dialling.put(pair.dataStream, pair);
			Thread.ofVirtual().name("portforward-" + portNumber).start(() -> forward(pair));
		}
	}

	@Override
	protected void data(SpdyDataFrame data) throws IOException {
		int id = data.streamId();
		Socket socket = this.sockets.get(id);
		int size = data.content().readableBytes();
		if (socket == null) {
			// The error stream's write side (kubectl closes it at once), or data before
			// the pod's connection is up: the latter is kept by the pair.
			Pair waiting = waitingFor(id);
			if (waiting != null && size > 0) {
				byte[] bytes = new byte[size];
				data.content().readBytes(bytes);
				waiting.early.add(bytes);
			}
			if (waiting != null && data.isLast()) {
				waiting.clientDone = true;
			}
			return;
		}
		try {
			if (size > 0) {
				OutputStream out = socket.getOutputStream();
				data.content().readBytes(out, size);
				out.flush();
			}
			if (data.isLast()) {
				socket.shutdownOutput();
			}
		}
		catch (IOException ex) {
			log.debug("write to the pod failed: {}", ex.toString());
			closeQuietly(socket);
		}
	}

	/** Pairs being dialled, by data stream. */
	private final Map<Integer, Pair> dialling = new HashMap<>();

	private Pair waitingFor(int dataStream) {
		Pair pair = this.dialling.get(dataStream);
		if (pair != null) {
			return pair;
		}
		for (Pair waiting : this.pairs.values()) {
			if (waiting.dataStream == dataStream) {
				return waiting;
			}
		}
		return null;
	}

	private void forward(Pair pair) {
		Socket socket;
		try {
			socket = this.dialer.dial(pair.port);
		}
		catch (IOException ex) {
			String message = "error forwarding port " + pair.port + " to pod " + this.podDescription + ": "
					+ ex.getMessage();
			log.debug(message);
			synchronized (this) {
				this.dialling.remove(pair.dataStream);
			}
			send(new DefaultSpdyDataFrame(pair.errorStream,
					Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8))));
			finish(pair);
			return;
		}
		try {
			synchronized (this) {
				this.dialling.remove(pair.dataStream);
				if (isClosed()) {
					closeQuietly(socket);
					return;
				}
				OutputStream out = socket.getOutputStream();
				for (byte[] early : pair.early) {
					out.write(early);
				}
				out.flush();
				if (pair.clientDone) {
					socket.shutdownOutput();
				}
				this.sockets.put(pair.dataStream, socket);
			}
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[CHUNK];
			int n;
			while ((n = in.read(buffer)) >= 0) {
				if (n > 0) {
					write(new DefaultSpdyDataFrame(pair.dataStream, Unpooled.copiedBuffer(buffer, 0, n)));
				}
			}
		}
		catch (IOException ex) {
			log.debug("port-forward connection to port {} ended: {}", pair.port, ex.toString());
		}
		finally {
			synchronized (this) {
				this.sockets.remove(pair.dataStream);
			}
			closeQuietly(socket);
		}
		finish(pair);
	}

	/** Half-closes both streams, as the kubelet's deferred Close calls do. */
	private void finish(Pair pair) {
		DefaultSpdyDataFrame endData = new DefaultSpdyDataFrame(pair.dataStream);
		endData.setLast(true);
		DefaultSpdyDataFrame endError = new DefaultSpdyDataFrame(pair.errorStream);
		endError.setLast(true);
		send(endData);
		send(endError);
	}

	private static int parsePort(String port) {
		try {
			int value = port == null ? -1 : Integer.parseInt(port);
			return value > 0 && value <= 65535 ? value : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static void closeQuietly(Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing
			}
		}
	}

	/** The two streams of one forwarded connection. */
	private static final class Pair {

		final int port;

		int errorStream;

		int dataStream;

		final List<byte[]> early = new ArrayList<>();

		boolean clientDone;

		Pair(int port) {
			this.port = port;
		}

	}

}
