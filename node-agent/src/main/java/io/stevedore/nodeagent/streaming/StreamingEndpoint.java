package io.stevedore.nodeagent.streaming;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;

import io.stevedore.nodeagent.pod.ContainerLogs;
import io.stevedore.nodeagent.runtime.ContainerRuntime;
import io.stevedore.nodeagent.runtime.RuntimeUnavailableException;
import io.stevedore.nodeagent.runtime.StreamSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's {@code /exec/{namespace}/{pod}/{container}} and
 * {@code /attach/{namespace}/{pod}/{container}} over WebSocket in Kubernetes' channel
 * protocol ({@link ChannelProtocol}): the container's output goes out as it comes, stdin
 * and resizes come in, and when the process ends the error channel carries its exit
 * status, then the agent closes at once (as the kubelet does). Failures after the upgrade
 * (a container that stopped meanwhile, a refused command) are a Failure Status on the
 * error channel too, which kubectl prints.
 * <p>
 * Threading: one instance per connection. Tomcat calls {@link #onOpen} and the message
 * handler on its threads; a virtual thread copies the output. Sends are serialised on
 * {@link #sendLock} (a WebSocket session allows one send at a time).
 */
public final class StreamingEndpoint extends Endpoint {

	private static final Logger log = LoggerFactory.getLogger(StreamingEndpoint.class);

	/** The largest message taken from a client (kubectl sends stdin in 32 KiB pieces). */
	private static final int MAX_MESSAGE = 1024 * 1024;

	private final ContainerLogs containers;

	private final ContainerRuntime runtime;

	private final boolean exec;

	private final Object sendLock = new Object();

	private volatile StreamSession stream;

	StreamingEndpoint(ContainerLogs containers, ContainerRuntime runtime, boolean exec) {
		this.containers = containers;
		this.runtime = runtime;
		this.exec = exec;
	}

	@Override
	public void onOpen(Session session, EndpointConfig config) {
		session.setMaxBinaryMessageBufferSize(MAX_MESSAGE);
		session.setMaxIdleTimeout(0);
		String protocol = session.getNegotiatedSubprotocol();
		Map<String, String> path = session.getPathParameters();
		StreamRequest request;
		try {
			request = StreamRequest.parse(session.getRequestParameterMap(), this.exec);
			String id = this.containers.instance(path.get("namespace"), path.get("pod"), path.get("container"), false);
			this.stream = this.exec ? this.runtime.execStream(id, request.command(), request.stdin(), request.tty())
					: this.runtime.attachStream(id, request.stdin(), request.tty());
		}
		catch (IllegalArgumentException | ContainerLogs.LogsException | RuntimeUnavailableException ex) {
			fail(session, protocol, ex.getMessage());
			return;
		}
		StreamSession opened = this.stream;
		session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) message -> {
			received(opened, request, protocol, message);
		});
		Thread.ofVirtual()
			.name("stream-" + path.get("namespace") + "/" + path.get("pod"))
			.start(() -> pump(session, opened, request, protocol));
	}

	private void received(StreamSession stream, StreamRequest request, String protocol, ByteBuffer raw) {
		ChannelProtocol.Message message = ChannelProtocol.Message.parse(raw);
		if (message == null) {
			return;
		}
		try {
			switch (message.channel()) {
				case ChannelProtocol.STDIN -> {
					if (request.stdin()) {
						OutputStream stdin = stream.stdin();
						stdin.write(message.bytes());
						stdin.flush();
					}
				}
				case ChannelProtocol.RESIZE -> {
					int[] size = ChannelProtocol.resizes(protocol) ? ChannelProtocol.size(message.bytes()) : null;
					if (size != null && request.tty()) {
						stream.resize(size[0], size[1]);
					}
				}
				case ChannelProtocol.CLOSE -> {
					byte[] closed = message.bytes();
					if (ChannelProtocol.V5.equals(protocol) && closed.length > 0
							&& closed[0] == ChannelProtocol.STDIN) {
						stream.stdin().close();
					}
				}
				default -> log.debug("ignoring a message on channel {}", message.channel());
			}
		}
		catch (IOException ex) {
			// The process closed its stdin or ended: its output and status still come.
			log.debug("stdin write failed: {}", ex.toString());
		}
	}

	/** Output to the client until it ends, then the exit status and a normal close. */
	private void pump(Session session, StreamSession stream, StreamRequest request, String protocol) {
		try {
			StreamSession.Chunk chunk;
			while ((chunk = stream.read()) != null) {
				boolean wanted = chunk.stream() == StreamSession.STDERR ? request.stderr() : request.stdout();
				if (wanted && chunk.data().length > 0) {
					send(session, ChannelProtocol.frame(chunk.stream(), chunk.data(), 0, chunk.data().length));
				}
			}
			Integer exit = stream.exitCode();
			if (exit != null || !this.exec) {
				send(session, errorFrame(ChannelProtocol.exitStatus(protocol, exit == null ? 0 : exit)));
			}
			else {
				send(session, errorFrame(ChannelProtocol.failure(protocol, "the command's exit code is unknown")));
			}
			// Like the kubelet, close right after the status: kubectl never closes first
			// once it has the status, so waiting for it only delays every exec and cp.
			// The close frame follows the status on the same connection, and the
			// tunnels on the way relay frames in order.
			close(session, CloseReason.CloseCodes.NORMAL_CLOSURE);
		}
		catch (IOException ex) {
			// The client went away (or the engine's connection broke): end both sides.
			log.debug("stream ended early: {}", ex.toString());
			close(session, CloseReason.CloseCodes.GOING_AWAY);
		}
		finally {
			closeQuietly(stream);
		}
	}

	private void fail(Session session, String protocol, String message) {
		try {
			send(session, errorFrame(ChannelProtocol.failure(protocol, message)));
		}
		catch (IOException ex) {
			log.debug("could not report {}: {}", message, ex.toString());
		}
		close(session, CloseReason.CloseCodes.NORMAL_CLOSURE);
	}

	private static ByteBuffer errorFrame(byte[] status) {
		return ChannelProtocol.frame(ChannelProtocol.ERROR, status, 0, status.length);
	}

	private void send(Session session, ByteBuffer message) throws IOException {
		synchronized (this.sendLock) {
			session.getBasicRemote().sendBinary(message);
		}
	}

	private static void close(Session session, CloseReason.CloseCode code) {
		try {
			session.close(new CloseReason(code, ""));
		}
		catch (IOException ex) {
			log.debug("close failed: {}", ex.toString());
		}
	}

	@Override
	public void onClose(Session session, CloseReason reason) {
		closeQuietly(this.stream);
	}

	@Override
	public void onError(Session session, Throwable error) {
		log.debug("stream error: {}", error.toString());
		closeQuietly(this.stream);
	}

	private static void closeQuietly(StreamSession stream) {
		if (stream != null) {
			try {
				stream.close();
			}
			catch (IOException ex) {
				// closing: nothing to do
			}
		}
	}

}
