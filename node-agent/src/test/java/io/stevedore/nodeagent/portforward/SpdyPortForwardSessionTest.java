package io.stevedore.nodeagent.portforward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyWindowUpdateFrame;
import io.stevedore.nodeagent.spdy.SpdyTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The port-forward SPDY session against a client made of Netty's own SPDY codec (as
 * kubectl's spdystream frames it) and a real loopback socket as the pod's port.
 */
class SpdyPortForwardSessionTest {

	private final SpdyTestClient client = new SpdyTestClient();

	private final List<AutoCloseable> closing = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable c : this.closing) {
			c.close();
		}
		this.client.close();
	}

	@Test
	void bytesOfTheDataStreamReachThePodsPortAndItsAnswerComesBackThenBothStreamsEnd() throws Exception {
		ServerSocket pod = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		this.closing.add(pod);
		Thread.ofVirtual().start(() -> {
			try (Socket s = pod.accept()) {
				byte[] got = s.getInputStream().readAllBytes();
				s.getOutputStream().write(("echo:" + new String(got, StandardCharsets.UTF_8)).getBytes());
			}
			catch (IOException ex) {
				// test ends
			}
		});
		SpdyPortForwardSession session = session(
				port -> new Socket(InetAddress.getLoopbackAddress(), pod.getLocalPort()));
		open(session, 1, "error", 8080, "0");
		open(session, 3, "data", 8080, "0");
		DefaultSpdyDataFrame ping = new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
		ping.setLast(true);
		send(session, ping);
		List<Object> frames = framesUntil(f -> f instanceof SpdyDataFrame d && d.streamId() == 1 && d.isLast());
		assertThat(frames).filteredOn(SpdySynReplyFrame.class::isInstance)
			.extracting(f -> ((SpdySynReplyFrame) f).streamId())
			.containsExactly(1, 3);
		StringBuilder data = new StringBuilder();
		boolean dataEnded = false;
		for (Object f : frames) {
			if (f instanceof SpdyDataFrame d && d.streamId() == 3) {
				data.append(d.content().toString(StandardCharsets.UTF_8));
				dataEnded |= d.isLast();
			}
		}
		assertThat(data.toString()).isEqualTo("echo:ping");
		assertThat(dataEnded).isTrue();
		assertThat(frames).filteredOn(SpdyWindowUpdateFrame.class::isInstance).isNotEmpty();
	}

	@Test
	void aPortThatCannotBeDialledIsWrittenOnTheErrorStreamAsTheKubeletWordsIt() throws Exception {
		SpdyPortForwardSession session = session(port -> {
			throw new IOException("dial tcp 10.0.0.9:" + port + ": connect: connection refused");
		});
		open(session, 1, "error", 81, "7");
		open(session, 3, "data", 81, "7");
		List<Object> frames = framesUntil(f -> f instanceof SpdyDataFrame d && d.streamId() == 1 && d.isLast());
		String error = frames.stream()
			.filter(f -> f instanceof SpdyDataFrame d && d.streamId() == 1)
			.map(f -> ((SpdyDataFrame) f).content().toString(StandardCharsets.UTF_8))
			.reduce("", String::concat);
		assertThat(error).isEqualTo(
				"error forwarding port 81 to pod web_default, uid u1: dial tcp 10.0.0.9:81: connect: connection refused");
	}

	@Test
	void aStreamWithoutAValidPortIsReset() throws Exception {
		SpdyPortForwardSession session = session(port -> {
			throw new AssertionError("nothing is dialled");
		});
		DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(1, 0, (byte) 0);
		syn.headers().set("streamtype", "data").set("port", "http").set("requestid", "0");
		send(session, syn);
		List<Object> frames = framesUntil(SpdyRstStreamFrame.class::isInstance);
		assertThat(frames).noneMatch(SpdySynReplyFrame.class::isInstance);
	}

	@Test
	void goingAwayResetsEveryAcceptedStreamThenSendsGoAway() throws Exception {
		SpdyPortForwardSession session = session(port -> {
			throw new IOException("not dialled yet");
		});
		open(session, 1, "error", 80, "0");
		this.client.framesUntil(SpdySynReplyFrame.class::isInstance);
		session.goAway();
		List<Object> frames = this.client.framesUntil(io.netty.handler.codec.spdy.SpdyGoAwayFrame.class::isInstance);
		assertThat(frames).filteredOn(SpdyRstStreamFrame.class::isInstance)
			.extracting(f -> ((SpdyRstStreamFrame) f).streamId())
			.containsExactly(1);
		assertThat(frames.get(frames.size() - 1)).satisfies(
				f -> assertThat(((io.netty.handler.codec.spdy.SpdyGoAwayFrame) f).lastGoodStreamId()).isEqualTo(1));
	}

	private SpdyPortForwardSession session(SpdyPortForwardSession.Dialer dialer) {
		SpdyPortForwardSession session = new SpdyPortForwardSession(this.client.output(), dialer,
				"web_default, uid u1");
		this.closing.add(session);
		return session;
	}

	private void open(SpdyPortForwardSession session, int id, String type, int port, String requestId)
			throws IOException {
		this.client.open(session, id, "streamtype", type, "port", Integer.toString(port), "requestid", requestId);
	}

	private void send(SpdyPortForwardSession session, Object frame) throws IOException {
		this.client.send(session, frame);
	}

	private List<Object> framesUntil(java.util.function.Predicate<Object> last) throws InterruptedException {
		return this.client.framesUntil(last);
	}

}
