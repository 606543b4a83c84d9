package io.stevedore.apiserver.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's upgraded connection joined to the agent's: bytes are copied both ways as
 * they come, and when either side ends the other is half-closed, so a stream the client
 * closes reaches the agent as end-of-input and the agent's close reaches the client. With
 * no read or write listener set, Tomcat's upgraded streams block, which a virtual thread
 * per direction makes cheap; Tomcat gives upgraded connections no idle timeout, so a
 * quiet {@code kubectl exec -it} stays open.
 * <p>
 * Threading: {@link #join} is called on the request thread before {@link #init}; the two
 * copy threads then own the streams.
 */
public final class RawTunnel implements HttpUpgradeHandler {

	private static final Logger log = LoggerFactory.getLogger(RawTunnel.class);

	private Socket agent;

	private InputStream fromAgent;

	private String name;

	/** Required by {@code HttpServletRequest.upgrade}. */
	public RawTunnel() {
	}

	void join(Socket agent, InputStream fromAgent, String name) {
		this.agent = agent;
		this.fromAgent = fromAgent;
		this.name = name;
	}

	@Override
	public void init(WebConnection client) {
		InputStream fromClient;
		OutputStream toClient;
		OutputStream toAgent;
		try {
			fromClient = client.getInputStream();
			toClient = client.getOutputStream();
			toAgent = this.agent.getOutputStream();
		}
		catch (IOException ex) {
			log.debug("tunnel to {} failed to start: {}", this.name, ex.toString());
			closeAll(client);
			return;
		}
		Thread upstream = Thread.ofVirtual().name("tunnel-up-" + this.name).start(() -> {
			copy(fromClient, toAgent);
			// The client is done sending: let the agent see the end, keep its answer
			// flowing.
			try {
				this.agent.shutdownOutput();
			}
			catch (IOException | UnsupportedOperationException ex) {
				// UnsupportedOperationException: a TLS socket that cannot half-close.
				closeAll(client);
			}
		});
		Thread.ofVirtual().name("tunnel-down-" + this.name).start(() -> {
			copy(this.fromAgent, toClient);
			closeAll(client);
			upstream.interrupt();
		});
	}

	private static void copy(InputStream in, OutputStream out) {
		byte[] buffer = new byte[16 * 1024];
		try {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// IllegalStateException: Tomcat's upgraded stream, closed by the other
			// direction's end (closeAll) while this one was reading from it.
			log.debug("tunnel copy ended: {}", ex.toString());
		}
	}

	private void closeAll(WebConnection client) {
		try {
			this.agent.close();
		}
		catch (IOException ex) {
			// closing: nothing to do
		}
		try {
			client.close();
		}
		catch (Exception ex) {
			// closing: nothing to do
		}
	}

	@Override
	public void destroy() {
		try {
			if (this.agent != null) {
				this.agent.close();
			}
		}
		catch (IOException ex) {
			// closing: nothing to do
		}
	}

}
