package io.stevedore.nodeagent.serving;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * An exec over the channel protocol with the JDK's WebSocket client, as a browser opens
 * one: no Authorization header, only the offered subprotocols. Keeps stdout (channel 1)
 * and the exit Status (channel 3) until the agent closes.
 */
final class ExecStream implements WebSocket.Listener {

	private final ByteArrayOutputStream message = new ByteArrayOutputStream();

	private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private volatile String status = "";

	private WebSocket socket;

	static ExecStream open(HttpClient http, URI uri, String protocol, String... more) throws Exception {
		ExecStream stream = new ExecStream();
		stream.socket = http.newWebSocketBuilder()
			.subprotocols(protocol, more)
			.buildAsync(uri, stream)
			.get(20, TimeUnit.SECONDS);
		return stream;
	}

	/** The status code of a refused handshake; fails when the handshake succeeds. */
	static int refusal(HttpClient http, URI uri, String protocol, String... more) {
		try {
			WebSocket socket = http.newWebSocketBuilder()
				.subprotocols(protocol, more)
				.buildAsync(uri, new ExecStream())
				.join();
			socket.abort();
			throw new AssertionError("the handshake succeeded, protocol " + socket.getSubprotocol());
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof WebSocketHandshakeException refused) {
				return refused.getResponse().statusCode();
			}
			throw ex;
		}
	}

	String subprotocol() {
		return this.socket.getSubprotocol();
	}

	/** Stdout once the agent has closed the stream. */
	String awaitStdout() throws Exception {
		this.closed.get(20, TimeUnit.SECONDS);
		synchronized (this.stdout) {
			return this.stdout.toString(StandardCharsets.UTF_8);
		}
	}

	String status() throws Exception {
		this.closed.get(20, TimeUnit.SECONDS);
		return this.status;
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		byte[] bytes = new byte[data.remaining()];
		data.get(bytes);
		this.message.writeBytes(bytes);
		if (last) {
			byte[] whole = this.message.toByteArray();
			this.message.reset();
			if (whole.length > 0 && whole[0] == 1) {
				synchronized (this.stdout) {
					this.stdout.write(whole, 1, whole.length - 1);
				}
			}
			else if (whole.length > 0 && whole[0] == 3) {
				this.status = new String(whole, 1, whole.length - 1, StandardCharsets.UTF_8);
			}
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(null);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.completeExceptionally(error);
	}

}
