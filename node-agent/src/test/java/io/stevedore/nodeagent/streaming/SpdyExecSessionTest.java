package io.stevedore.nodeagent.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.stevedore.nodeagent.runtime.StreamSession;
import io.stevedore.nodeagent.spdy.SpdyTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.stevedore.nodeagent.spdy.SpdyTestClient.end;
import static io.stevedore.nodeagent.spdy.SpdyTestClient.ended;
import static io.stevedore.nodeagent.spdy.SpdyTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPDY exec session against a client made of Netty's SPDY codec and a fake process:
 * it waits for every stream the request names, sends output, ends stdout before the exit
 * status on the error stream, passes stdin and resizes, and gives up on a client that
 * never opens its streams.
 */
class SpdyExecSessionTest {

	private final SpdyTestClient client = new SpdyTestClient();

	private final FakeProcess process = new FakeProcess();

	private final AtomicInteger starts = new AtomicInteger();

	private final CountDownLatch hungUp = new CountDownLatch(1);

	private SpdyExecSession session;

	@AfterEach
	void close() {
		if (this.session != null) {
			this.session.close();
		}
		this.client.close();
	}

	@Test
	void theProcessStartsOnlyOnceEveryStreamIsOpenThenItsOutputAndV4ExitStatusCome() throws Exception {
		start(request(true, false), ChannelProtocol.V4, Duration.ofSeconds(10));
		this.client.open(this.session, 1, "streamtype", "error");
		this.client.open(this.session, 3, "streamtype", "stdout");
		this.client.open(this.session, 5, "streamtype", "stderr");
		this.client.framesWithin(Duration.ofMillis(300));
		assertThat(this.starts).as("stdin is not open yet").hasValue(0);
		this.client.open(this.session, 7, "streamtype", "stdin");
		this.process.output(StreamSession.STDOUT, "complete output\n");
		this.process.output(StreamSession.STDERR, "oops\n");
		this.process.exit(7);
		List<Object> frames = this.client.framesUntil(end(1));
		assertThat(this.starts).hasValue(1);
		assertThat(frames).filteredOn(SpdySynReplyFrame.class::isInstance)
			.extracting(f -> ((SpdySynReplyFrame) f).streamId())
			.containsExactly(1, 3, 5, 7);
		assertThat(text(frames, 3)).isEqualTo("complete output\n");
		assertThat(text(frames, 5)).isEqualTo("oops\n");
		// stdout and stderr end before the status, so kubectl has read all output when
		// it exits.
		assertThat(indexOfEnd(frames, 3)).isLessThan(indexOfEnd(frames, 1));
		assertThat(indexOfEnd(frames, 5)).isLessThan(indexOfEnd(frames, 1));
		assertThat(text(frames, 1)).contains("\"status\":\"Failure\"")
			.contains("\"reason\":\"NonZeroExitCode\"")
			.contains("{\"reason\":\"ExitCode\",\"message\":\"7\"}");
		assertThat(this.hungUp.await(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void v2SpeaksTextOnTheErrorStreamAndSuccessIsAnEmptyEnd() throws Exception {
		start(request(false, false), ChannelProtocol.V2, Duration.ofSeconds(10));
		this.client.open(this.session, 1, "streamtype", "error");
		this.client.open(this.session, 3, "streamtype", "stdout");
		this.client.open(this.session, 5, "streamtype", "stderr");
		this.process.output(StreamSession.STDOUT, "hi\n");
		this.process.exit(0);
		List<Object> frames = this.client.framesUntil(end(1));
		assertThat(text(frames, 3)).isEqualTo("hi\n");
		assertThat(text(frames, 1)).isEmpty();
	}

	@Test
	void stdinReachesTheProcessAndItsEndClosesTheProcesssStdin() throws Exception {
		start(request(true, false), ChannelProtocol.V4, Duration.ofSeconds(10));
		// Stdin before the process runs is kept for it.
		this.client.open(this.session, 1, "streamtype", "error");
		this.client.open(this.session, 3, "streamtype", "stdin");
		this.client.data(this.session, 3, "early ", false);
		this.client.open(this.session, 5, "streamtype", "stdout");
		this.client.open(this.session, 7, "streamtype", "stderr");
		this.process.started.await(5, TimeUnit.SECONDS);
		this.client.data(this.session, 3, "late", true);
		assertThat(this.process.stdinClosed.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.process.stdin.toString(StandardCharsets.UTF_8)).isEqualTo("early late");
		this.process.exit(0);
		assertThat(text(this.client.framesUntil(end(1)), 1)).isEqualTo("{\"status\":\"Success\"}");
	}

	@Test
	void aTerminalIsResizedToTheLastSizeBeforeTheStartAndThenAtEveryResize() throws Exception {
		start(request(true, true), ChannelProtocol.V4, Duration.ofSeconds(10));
		this.client.open(this.session, 1, "streamtype", "error");
		this.client.open(this.session, 3, "streamtype", "stdin");
		this.client.open(this.session, 5, "streamtype", "stdout");
		this.client.open(this.session, 7, "streamtype", "resize");
		// Go's json.Encoder: one object a line, and a frame may hold part of one.
		this.client.data(this.session, 7, "{\"Width\":80,\"Height\":24}\n{\"Width\":1", false);
		awaitSizes(1);
		this.client.data(this.session, 7, "20,\"Height\":40}\n", false);
		awaitSizes(2);
		assertThat(this.process.sizes).containsExactly("80x24", "120x40");
		this.process.exit(0);
		this.client.framesUntil(end(1));
	}

	@Test
	void aStreamTheRequestDoesNotNameIsResetAndTheOthersStillStart() throws Exception {
		start(request(false, false), ChannelProtocol.V4, Duration.ofSeconds(10));
		this.client.open(this.session, 1, "streamtype", "resize");
		this.client.framesUntil(SpdyRstStreamFrame.class::isInstance);
		this.client.open(this.session, 3, "streamtype", "error");
		this.client.open(this.session, 5, "streamtype", "stdout");
		this.client.open(this.session, 7, "streamtype", "stderr");
		this.process.exit(0);
		List<Object> frames = this.client.framesUntil(end(3));
		assertThat(this.starts).hasValue(1);
		assertThat(frames).filteredOn(SpdySynReplyFrame.class::isInstance)
			.extracting(f -> ((SpdySynReplyFrame) f).streamId())
			.containsExactly(3, 5, 7);
	}

	@Test
	void aClientThatNeverOpensItsStreamsIsToldOnTheErrorStreamAndHungUpOnWithoutAProcess() throws Exception {
		start(request(true, false), ChannelProtocol.V4, Duration.ofMillis(300));
		this.client.open(this.session, 1, "streamtype", "error");
		List<Object> frames = this.client.framesUntil(end(1));
		assertThat(text(frames, 1)).contains("timed out waiting for client to create streams");
		assertThat(this.hungUp.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.starts).hasValue(0);
		assertThat(ended(frames, 3)).isFalse();
	}

	@Test
	void aProcessThatCannotStartIsAFailureStatusOnTheErrorStream() throws Exception {
		this.session = new SpdyExecSession(this.client.output(), request(false, false), ChannelProtocol.V4, () -> {
			throw new IOException("container is not running");
		}, this.hungUp::countDown);
		this.session.start(Duration.ofSeconds(10), "test");
		this.client.open(this.session, 1, "streamtype", "error");
		this.client.open(this.session, 3, "streamtype", "stdout");
		this.client.open(this.session, 5, "streamtype", "stderr");
		List<Object> frames = this.client.framesUntil(end(1));
		assertThat(text(frames, 1)).contains("\"message\":\"container is not running\"")
			.contains("\"status\":\"Failure\"");
	}

	private void awaitSizes(int count) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (this.process.sizes.size() < count && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
	}

	private static int indexOfEnd(List<Object> frames, int stream) {
		for (int i = 0; i < frames.size(); i++) {
			if (end(stream).test(frames.get(i))) {
				return i;
			}
		}
		return -1;
	}

	private static StreamRequest request(boolean stdin, boolean tty) {
		return new StreamRequest(List.of("sh"), stdin, true, !tty, tty);
	}

	private void start(StreamRequest request, String protocol, Duration timeout) {
		this.session = new SpdyExecSession(this.client.output(), request, protocol, () -> {
			this.starts.incrementAndGet();
			this.process.started.countDown();
			return this.process;
		}, this.hungUp::countDown);
		this.session.start(timeout, "test");
	}

	/** A process whose output and exit the test decides. */
	private static final class FakeProcess implements StreamSession {

		final LinkedBlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();

		final ByteArrayOutputStream stdin = new ByteArrayOutputStream();

		final CountDownLatch stdinClosed = new CountDownLatch(1);

		final CountDownLatch started = new CountDownLatch(1);

		final List<String> sizes = new CopyOnWriteArrayList<>();

		volatile Integer exit;

		void output(int stream, String text) {
			this.chunks.add(new Chunk(stream, text.getBytes(StandardCharsets.UTF_8)));
		}

		void exit(int code) {
			this.exit = code;
			this.chunks.add(new Chunk(0, new byte[0]));
		}

		@Override
		public OutputStream stdin() {
			return new OutputStream() {

				@Override
				public void write(int b) {
					FakeProcess.this.stdin.write(b);
				}

				@Override
				public void write(byte[] b, int off, int len) {
					FakeProcess.this.stdin.write(b, off, len);
				}

				@Override
				public void close() {
					FakeProcess.this.stdinClosed.countDown();
				}

			};
		}

		@Override
		public Chunk read() throws IOException {
			try {
				Chunk chunk = this.chunks.take();
				return chunk.stream() == 0 ? null : chunk;
			}
			catch (InterruptedException ex) {
				throw new IOException(ex);
			}
		}

		@Override
		public void resize(int width, int height) {
			this.sizes.add(width + "x" + height);
		}

		@Override
		public Integer exitCode() {
			return this.exit;
		}

		@Override
		public void close() {
		}

	}

}
