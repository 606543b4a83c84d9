package io.stevedore.nodeagent.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.stevedore.nodeagent.runtime.StreamSession;
import io.stevedore.nodeagent.spdy.SpdySession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exec and attach over SPDY/3.1, the kubelet's remotecommand {@code httpstream.go}: after
 * the upgrade the client opens one stream per standard stream it asked for, each named by
 * its {@code streamType} header ({@code error}, {@code stdin}, {@code stdout},
 * {@code stderr}, and {@code resize} with a terminal from v3 on). Once all are there the
 * process starts; its output goes out on stdout and stderr, stdin and resizes come in,
 * and when it ends stdout and stderr are half-closed and the error stream carries the
 * exit status ({@link ChannelProtocol#exitStatus}: a Status from v4 on, text before),
 * then the connection is hung up. A client that has not opened its streams within the
 * timeout is hung up on, as the kubelet does.
 * <p>
 * Threading: stream bookkeeping under {@code this} (the session's lock, see
 * {@link SpdySession}); stdin is written on the reading thread outside the lock (a
 * process that does not read its stdin must not stop its output from going out); a
 * virtual thread waits for the streams and then copies the output.
 */
public final class SpdyExecSession extends SpdySession {

	private static final Logger log = LoggerFactory.getLogger(SpdyExecSession.class);

	/** Starts the process once the streams are there. */
	public interface Starter {

		/**
		 * @throws Exception with the message the client is shown on the error stream
		 */
		StreamSession start() throws Exception;

	}

	private final StreamRequest request;

	private final String protocol;

	private final Starter starter;

	private final Runnable hangUp;

	private final Set<String> expected;

	/** Open streams by type. */
	private final Map<String, Integer> streams = new HashMap<>();

	/** Resize stream bytes not yet a whole line. */
	private final ByteArrayOutputStream resizeLine = new ByteArrayOutputStream();

	/** Stdin bytes not yet written to the process, in order; an empty array is EOF. */
	private final ArrayDeque<byte[]> stdin = new ArrayDeque<>();

	/** Serialises the writes to the process's stdin (reading thread and starter). */
	private final Object stdinLock = new Object();

	private StreamSession process;

	private int[] size;

	private boolean started;

	/**
	 * @param hangUp ends the connection once everything is sent
	 */
	public SpdyExecSession(Output output, StreamRequest request, String protocol, Starter starter, Runnable hangUp) {
		super(output);
		this.request = request;
		this.protocol = protocol;
		this.starter = starter;
		this.hangUp = hangUp;
		this.expected = expectedStreams(request, protocol);
	}

	/** The stream types the client opens for this request (the kubelet's count). */
	static Set<String> expectedStreams(StreamRequest request, String protocol) {
		Set<String> types = new java.util.HashSet<>();
		types.add("error");
		if (request.stdin()) {
			types.add("stdin");
		}
		if (request.stdout()) {
			types.add("stdout");
		}
		if (request.stderr()) {
			types.add("stderr");
		}
		if (request.tty() && ChannelProtocol.resizes(protocol)) {
			types.add("resize");
		}
		return Set.copyOf(types);
	}

	/**
	 * Waits for the client's streams, at most {@code timeout}, then runs the process to
	 * its end on a virtual thread.
	 */
	public void start(Duration timeout, String name) {
		Thread.ofVirtual().name("spdy-exec-" + name).start(() -> run(timeout));
	}

	private void run(Duration timeout) {
		try {
			if (!awaitStreams(timeout)) {
				log.debug("timed out waiting for the client to create streams; have {}", this.streams.keySet());
				fail("timed out waiting for client to create streams");
				return;
			}
			StreamSession opened;
			try {
				opened = this.starter.start();
			}
			catch (Exception ex) {
				fail(ex.getMessage() == null ? ex.toString() : ex.getMessage());
				return;
			}
			synchronized (this) {
				this.process = opened;
				if (this.size != null && this.request.tty()) {
					opened.resize(this.size[0], this.size[1]);
				}
			}
			writeStdin();
			pump(opened);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.hangUp.run();
		}
	}

	private synchronized boolean awaitStreams(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!this.streams.keySet().containsAll(this.expected)) {
			long left = deadline - System.nanoTime();
			if (left <= 0 || isClosed()) {
				return false;
			}
			java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		this.started = true;
		return true;
	}

	private void pump(StreamSession opened) {
		try {
			StreamSession.Chunk chunk;
			while ((chunk = opened.read()) != null) {
				String type = chunk.stream() == StreamSession.STDERR ? "stderr" : "stdout";
				Integer id = stream(type);
				if (id != null && chunk.data().length > 0) {
					sendData(id, chunk.data(), false);
				}
			}
			endOutput();
			Integer exit = opened.exitCode();
			boolean exec = !this.request.command().isEmpty();
			byte[] status = (exit != null || !exec) ? ChannelProtocol.exitStatus(this.protocol, exit == null ? 0 : exit)
					: ChannelProtocol.failure(this.protocol, "the command's exit code is unknown");
			sendError(status);
		}
		catch (IOException ex) {
			log.debug("exec stream ended early: {}", ex.toString());
		}
		finally {
			closeQuietly(opened);
		}
	}

	private void fail(String message) {
		endOutput();
		sendError(ChannelProtocol.failure(this.protocol, message));
	}

	/** stdout and stderr end (FIN) before the status, so kubectl has all output. */
	private void endOutput() {
		for (String type : new String[] { "stdout", "stderr" }) {
			Integer id = stream(type);
			if (id != null) {
				sendData(id, new byte[0], true);
			}
		}
	}

	private void sendError(byte[] status) {
		Integer id = stream("error");
		if (id != null) {
			if (status.length > 0) {
				sendData(id, status, false);
			}
			sendData(id, new byte[0], true);
		}
	}

	private synchronized Integer stream(String type) {
		return this.streams.get(type);
	}

	@Override
	protected void opened(SpdySynStreamFrame syn) {
		String type = header(syn, "streamType");
		if (type == null || !this.expected.contains(type) || this.streams.containsKey(type)) {
			// The kubelet logs "unexpected stream type" and goes on waiting.
			log.debug("refusing stream {} of type {}", syn.streamId(), type);
			refuse(syn.streamId());
			return;
		}
		reply(syn.streamId());
		this.streams.put(type, syn.streamId());
		notifyAll();
	}

	@Override
	protected void data(SpdyDataFrame data) {
		int id = data.streamId();
		Integer stdinStream = this.streams.get("stdin");
		Integer resizeStream = this.streams.get("resize");
		if (stdinStream != null && id == stdinStream) {
			if (data.content().isReadable()) {
				byte[] bytes = new byte[data.content().readableBytes()];
				data.content().readBytes(bytes);
				this.stdin.add(bytes);
			}
			if (data.isLast()) {
				this.stdin.add(new byte[0]);
			}
		}
		else if (resizeStream != null && id == resizeStream) {
			byte[] bytes = new byte[data.content().readableBytes()];
			data.content().readBytes(bytes);
			this.resizeLine.writeBytes(bytes);
			resized();
		}
		// error, stdout, stderr: the client only half-closes them.
	}

	/**
	 * The resize stream is a sequence of JSON objects (Go's json.Encoder: one per line);
	 * each whole one resizes the terminal, the last one seen before the start applies
	 * then.
	 */
	private void resized() {
		byte[] bytes = this.resizeLine.toByteArray();
		int start = 0;
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == '\n') {
				int[] parsed = ChannelProtocol.size(java.util.Arrays.copyOfRange(bytes, start, i));
				if (parsed != null) {
					this.size = parsed;
					if (this.process != null && this.request.tty()) {
						this.process.resize(parsed[0], parsed[1]);
					}
				}
				start = i + 1;
			}
		}
		this.resizeLine.reset();
		this.resizeLine.write(bytes, start, bytes.length - start);
	}

	@Override
	protected void afterReceived() {
		writeStdin();
	}

	/** Stdin that came so far, to the process once it runs. */
	private void writeStdin() {
		synchronized (this.stdinLock) {
			while (true) {
				OutputStream out;
				byte[] next;
				synchronized (this) {
					if (this.process == null || this.stdin.isEmpty()) {
						return;
					}
					out = this.process.stdin();
					next = this.stdin.poll();
				}
				try {
					if (next.length == 0) {
						out.close();
					}
					else if (this.request.stdin()) {
						out.write(next);
						out.flush();
					}
				}
				catch (IOException ex) {
					// The process closed its stdin or ended: its output and status still
					// come.
					log.debug("stdin write failed: {}", ex.toString());
				}
			}
		}
	}

	@Override
	protected void reset(int streamId) {
		// A reset stream is one the client gave up; the process's end still ends all.
	}

	@Override
	protected void ended() {
		StreamSession opened;
		synchronized (this) {
			opened = this.process;
			notifyAll();
		}
		closeQuietly(opened);
	}

	/** Whether every stream the request needs is open and the process was started. */
	synchronized boolean started() {
		return this.started;
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
