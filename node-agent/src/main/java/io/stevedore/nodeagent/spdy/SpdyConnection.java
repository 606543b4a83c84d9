package io.stevedore.nodeagent.spdy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection upgraded to SPDY/3.1 ({@code HttpServletRequest.upgrade}): its bytes are
 * fed to a {@link SpdySession} and the session's frames written back. With no read or
 * write listener set, Tomcat's upgraded streams block, which a virtual thread for the
 * reading makes cheap, and Tomcat gives upgraded connections no idle timeout, so a quiet
 * {@code kubectl exec -it} stays open.
 * <p>
 * When the session is done ({@code hangUp}) the client is given a moment to close first:
 * kubectl closes as soon as it has read the exit status, and a close from this side while
 * its last frames (window updates) are still coming could reset the connection and lose
 * what was sent. Closing from this side ends the session and Tomcat's streams; Tomcat
 * closes the socket of a blocking upgraded connection itself only once the client has
 * closed, so a client still there after the moment is sent a GOAWAY, upon which
 * spdystream (kubectl's) closes.
 * <p>
 * Threading: {@link #serve} on the request thread before {@link #init}; then one virtual
 * thread reads, and writes are serialised on the output stream.
 */
public final class SpdyConnection implements HttpUpgradeHandler {

	private static final Logger log = LoggerFactory.getLogger(SpdyConnection.class);

	/** How long a finished session waits for the client to close. */
	static final Duration CLIENT_CLOSE_GRACE = Duration.ofSeconds(2);

	/** Makes the session once the connection is there. */
	public interface Sessions {

		SpdySession open(SpdySession.Output output, Runnable hangUp);

	}

	private final CountDownLatch clientClosed = new CountDownLatch(1);

	private Sessions sessions;

	private String name;

	private volatile SpdySession session;

	private volatile WebConnection connection;

	/** Required by {@code HttpServletRequest.upgrade}. */
	public SpdyConnection() {
	}

	public void serve(Sessions sessions, String name) {
		this.sessions = sessions;
		this.name = name;
	}

	@Override
	public void init(WebConnection client) {
		this.connection = client;
		InputStream in;
		OutputStream out;
		try {
			in = client.getInputStream();
			out = client.getOutputStream();
		}
		catch (IOException ex) {
			log.debug("SPDY connection {} failed to start: {}", this.name, ex.toString());
			end();
			return;
		}
		this.session = this.sessions.open(bytes -> {
			synchronized (out) {
				out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
				out.flush();
			}
		}, this::hangUp);
		Thread.ofVirtual().name("spdy-" + this.name).start(() -> read(in));
	}

	private void read(InputStream in) {
		byte[] buffer = new byte[32 * 1024];
		try {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				if (n > 0) {
					this.session.received(ByteBuffer.wrap(buffer, 0, n));
				}
			}
		}
		catch (IOException | IllegalStateException ex) {
			// IllegalStateException: Tomcat's upgraded stream closed under the read.
			log.debug("SPDY connection {} read ended: {}", this.name, ex.toString());
		}
		finally {
			this.clientClosed.countDown();
			end();
		}
	}

	private void hangUp() {
		try {
			if (!this.clientClosed.await(CLIENT_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				// A client that stays (one that never opened its streams, say) is asked
				// to
				// go: closing from here would not close the socket (see the class doc).
				SpdySession opened = this.session;
				if (opened != null) {
					opened.goAway();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		end();
	}

	private void end() {
		SpdySession opened = this.session;
		if (opened != null) {
			opened.close();
		}
		WebConnection client = this.connection;
		if (client != null) {
			try {
				client.close();
			}
			catch (Exception ex) {
				// closing: nothing to do
			}
		}
	}

	@Override
	public void destroy() {
		SpdySession opened = this.session;
		if (opened != null) {
			opened.close();
		}
	}

}
