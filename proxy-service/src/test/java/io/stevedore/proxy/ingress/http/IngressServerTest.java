package io.stevedore.proxy.ingress.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stevedore.proxy.ingress.route.RouteBuilder;
import io.stevedore.proxy.ingress.support.IngressObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the Ingress passes a backend's response framing on (the response is forwarded as
 * bytes): a raw socket backend answering as scripted by the path, a raw socket client.
 */
class IngressServerTest {

	private ServerSocket backend;

	private IngressServer server;

	private InetSocketAddress address;

	private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();

	@BeforeEach
	void start() throws IOException {
		this.backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().start(this::accept);
		this.server = new IngressServer(1, new EndpointPicker(50, 20, Duration.ofSeconds(10)),
				new ProxySettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 1, 4),
				new Metrics(new SimpleMeterRegistry()));
		this.server.routes(RouteBuilder.build(
				List.of(IngressObjects.ingress("default", "web", null)
					.editSpec()
					.withRules(IngressObjects.rule(null, "/", "Prefix", "web").build())
					.endSpec()
					.build()),
				Map.of("default/web", IngressObjects.service("default", "web")), List.of(IngressObjects.slice("default",
						"web-1", "web", this.backend.getLocalPort(), List.of("127.0.0.1"), List.of())),
				key -> null)
			.table());
		this.address = this.server.listenHttp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
	}

	@AfterEach
	void stop() throws IOException {
		this.server.close();
		this.backend.close();
	}

	private void accept() {
		while (!this.backend.isClosed()) {
			try {
				Socket socket = this.backend.accept();
				Thread.ofVirtual().start(() -> serve(socket));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	/** Answers requests by path until one answer ends with the connection's close. */
	private void serve(Socket socket) {
		try (socket) {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			while (true) {
				String head = readUntil(in, "\r\n\r\n");
				if (head == null) {
					return;
				}
				this.requests.add(head);
				String path = head.split(" ")[1];
				switch (path) {
					case "/chunked-upload" -> {
						this.requests.add(readUntil(in, "0\r\n\r\n"));
						out.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody".getBytes());
					}
					case "/close" -> {
						out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody".getBytes());
						return;
					}
					case "/chunked" -> out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Private: 1\r\n"
							+ "Connection: X-Private\r\n\r\n4\r\nbody\r\n0\r\n\r\n")
						.getBytes());
					default -> out.write(
							("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n" + (head.startsWith("HEAD") ? "" : "body"))
								.getBytes());
				}
				out.flush();
			}
		}
		catch (IOException ex) {
			// the test is over
		}
	}

	/** What the stream has up to and with {@code end}, or null at its end. */
	private static String readUntil(InputStream in, String end) throws IOException {
		StringBuilder text = new StringBuilder();
		int b;
		while ((b = in.read()) >= 0) {
			text.append((char) b);
			if (text.toString().endsWith(end)) {
				return text.toString();
			}
		}
		return text.isEmpty() ? null : text.toString();
	}

	@Test
	void aBodyTheBackendEndsByClosingReachesAKeepAliveClientInChunksAndTheConnectionStays() throws IOException {
		try (Socket client = new Socket(this.address.getAddress(), this.address.getPort())) {
			client.setSoTimeout(5000);
			OutputStream out = client.getOutputStream();
			out.write("GET /close HTTP/1.1\r\nHost: web\r\n\r\n".getBytes());
			String response = readUntil(client.getInputStream(), "0\r\n\r\n");
			assertThat(response).startsWith("HTTP/1.1 200 OK\r\n")
				.contains("Content-Type: text/plain\r\n", "transfer-encoding: chunked\r\n")
				.endsWith("\r\n\r\n4\r\nbody\r\n0\r\n\r\n");
			// A chunked body passes as it is; the headers the Connection header names do
			// not.
			out.write("GET /chunked HTTP/1.1\r\nHost: web\r\n\r\n".getBytes());
			assertThat(readUntil(client.getInputStream(), "0\r\n\r\n"))
				.isEqualTo("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n");
			// A HEAD's response has no body whatever its Content-Length says.
			out.write("HEAD /length HTTP/1.1\r\nHost: web\r\n\r\n".getBytes());
			assertThat(readUntil(client.getInputStream(), "\r\n\r\n"))
				.isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
			out.write("GET /length HTTP/1.1\r\nHost: web\r\n\r\n".getBytes());
			assertThat(readUntil(client.getInputStream(), "\r\n\r\n"))
				.isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
			assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("body");
		}
		assertThat(this.requests).hasSize(4)
			.allSatisfy(head -> assertThat(head).contains("x-forwarded-for: 127.0.0.1"));
	}

	@Test
	void aChunkedRequestBodyGoesToTheBackendInChunks() throws IOException {
		try (Socket client = new Socket(this.address.getAddress(), this.address.getPort())) {
			client.setSoTimeout(5000);
			client.getOutputStream()
				.write(("POST /chunked-upload HTTP/1.1\r\nHost: web\r\nTransfer-Encoding: chunked\r\n\r\n"
						+ "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
					.getBytes());
			assertThat(readUntil(client.getInputStream(), "body")).startsWith("HTTP/1.1 200 OK\r\n");
		}
		assertThat(this.requests).hasSize(2);
		assertThat(this.requests.peek()).startsWith("POST /chunked-upload HTTP/1.1\r\n")
			.contains("Transfer-Encoding: chunked\r\n", "x-forwarded-proto: http\r\n");
		// The decoder may hand the body on in other pieces; the bytes must say the same.
		assertThat(String.join("", this.requests).replaceAll("(?s).*\r\n\r\n(?=.)", ""))
			.matches("(?s)([0-9a-f]+\r\n[a-e]+\r\n)+0\r\n\r\n");
	}

	@Test
	void anHttp10ClientGetsTheBodyAsItIsAndThenTheClose() throws IOException {
		try (Socket client = new Socket(this.address.getAddress(), this.address.getPort())) {
			client.setSoTimeout(5000);
			client.getOutputStream().write("GET /close HTTP/1.0\r\nHost: web\r\n\r\n".getBytes());
			String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
			assertThat(response).startsWith("HTTP/1.1 200 OK\r\n")
				.contains("connection: close\r\n")
				.doesNotContain("chunked")
				.endsWith("\r\n\r\nbody");
		}
	}

}
