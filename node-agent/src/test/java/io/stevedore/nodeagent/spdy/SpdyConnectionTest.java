package io.stevedore.nodeagent.spdy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.stevedore.nodeagent.streaming.SpdyExecSession;
import io.stevedore.nodeagent.streaming.StreamRequest;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgraded connection (a fake WebConnection over pipes) serving an exec session whose
 * client opens its error stream and no other: the timeout is reported on the error
 * stream, and a client still there after the grace is reset and sent a GOAWAY, then the
 * connection is closed.
 */
class SpdyConnectionTest {

	private final SpdyTestClient client = new SpdyTestClient();

	private final PipedOutputStream toServer = new PipedOutputStream();

	private final CountDownLatch closed = new CountDownLatch(1);

	@AfterEach
	void close() throws IOException {
		this.toServer.close();
		this.client.close();
	}

	@Test
	void aClientThatStaysAfterTheEndIsToldToGoAwayAndTheConnectionClosed() throws Exception {
		PipedInputStream fromClient = new PipedInputStream(this.toServer, 64 * 1024);
		SpdyConnection connection = new SpdyConnection();
		connection.serve((output, hangUp) -> {
			SpdyExecSession session = new SpdyExecSession(output,
					new StreamRequest(List.of("sh"), false, true, true, false), "v4.channel.k8s.io", () -> {
						throw new AssertionError("never started");
					}, hangUp);
			session.start(Duration.ofMillis(200), "test");
			return session;
		}, "test");
		connection.init(new FakeConnection(fromClient));
		DefaultSpdySynStreamFrame error = new DefaultSpdySynStreamFrame(1, 0, (byte) 0);
		error.headers().set("streamtype", "error");
		this.toServer.write(this.client.encode(error));
		this.toServer.flush();
		List<Object> frames = this.client.framesUntil(SpdyGoAwayFrame.class::isInstance);
		assertThat(SpdyTestClient.text(frames, 1)).contains("timed out waiting for client to create streams");
		assertThat(frames).filteredOn(SpdyRstStreamFrame.class::isInstance)
			.extracting(f -> ((SpdyRstStreamFrame) f).streamId())
			.containsExactly(1);
		assertThat(this.closed.await(5, TimeUnit.SECONDS)).isTrue();
	}

	/**
	 * The server's side of an upgraded connection: reads the pipe, writes to the client.
	 */
	private final class FakeConnection implements WebConnection {

		private final PipedInputStream in;

		FakeConnection(PipedInputStream in) {
			this.in = in;
		}

		@Override
		public ServletInputStream getInputStream() {
			return new ServletInputStream() {

				@Override
				public int read() throws IOException {
					return FakeConnection.this.in.read();
				}

				@Override
				public int read(byte[] b, int off, int len) throws IOException {
					return FakeConnection.this.in.read(b, off, len);
				}

				@Override
				public boolean isFinished() {
					return false;
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setReadListener(ReadListener listener) {
				}

			};
		}

		@Override
		public ServletOutputStream getOutputStream() {
			return new ServletOutputStream() {

				private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

				@Override
				public void write(int b) {
					this.pending.write(b);
				}

				@Override
				public void write(byte[] b, int off, int len) {
					this.pending.write(b, off, len);
				}

				@Override
				public void flush() throws IOException {
					SpdyConnectionTest.this.client.output().send(ByteBuffer.wrap(this.pending.toByteArray()));
					this.pending.reset();
				}

				@Override
				public boolean isReady() {
					return true;
				}

				@Override
				public void setWriteListener(WriteListener listener) {
				}

			};
		}

		@Override
		public void close() {
			SpdyConnectionTest.this.closed.countDown();
		}

	}

}
