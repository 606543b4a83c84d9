package io.stevedore.gateway.routing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.stevedore.testsupport.http.HttpHead;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPDY tunnel on a real Reactor Netty server as the gateway runs it, between a plain
 * socket client and a plain socket upstream that plays the apiserver: the handshake
 * passes through with the upstream's headers, then bytes both ways unchanged, the
 * upstream's last bytes before its close included; a refusal comes back as the upstream
 * gave it and nothing is relayed.
 */
class SpdyTunnelTest {

	/** Several times what socket buffers hold, so reading must pause and resume. */
	private static final int LARGE = 16 * 1024 * 1024;

	private ServerSocket upstream;

	private DisposableServer gateway;

	private final CompletableFuture<String> upstreamSawHead = new CompletableFuture<>();

	@BeforeEach
	void start() throws IOException {
		this.upstream = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
		this.gateway = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.webHandler((exchange) -> {
				URI target = URI.create("http://127.0.0.1:" + this.upstream.getLocalPort()
						+ exchange.getRequest().getURI().getRawPath() + "?command=sh&stdout=true");
				HttpHeaders headers = new HttpHeaders();
				headers.addAll("X-Stream-Protocol-Version",
						exchange.getRequest().getHeaders().getOrEmpty("X-Stream-Protocol-Version"));
				headers.add("X-Remote-User", "alice");
				return new SpdyTunnel(target, headers).run(exchange);
			}).build()))
			.bindNow();
	}

	@AfterEach
	void stop() throws IOException {
		this.gateway.disposeNow();
		this.upstream.close();
	}

	@Test
	void theUpgradeIsAnsweredWithTheUpstreamsHeadersThenBytesFlowBothWaysUntilTheUpstreamsLastOne() throws Exception {
		byte[] large = new byte[LARGE];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) (i * 31 + 7);
		}
		Thread.ofVirtual().start(() -> serve(upstream -> {
			OutputStream out = upstream.getOutputStream();
			out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
					+ "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nDate: today\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			// Echo the client's first bytes, then a large burst and close at once (as
			// the agent closes right after the exit status).
			byte[] hello = upstream.getInputStream().readNBytes(5);
			out.write(hello);
			out.write(large);
			out.flush();
		}));
		try (Socket client = new Socket("127.0.0.1", this.gateway.port())) {
			client.setSoTimeout(30_000);
			client.getOutputStream().write(request("v4.channel.k8s.io"));
			String head = HttpHead.read(client.getInputStream()).text();
			assertThat(head).startsWith("HTTP/1.1 101 ")
				.contains("\r\nUpgrade: SPDY/3.1\r\n")
				.contains("\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n")
				.doesNotContain("Date: today");
			client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
			assertThat(new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
			// Slowly, so the gateway must hold back the upstream rather than buffer it.
			ByteArrayOutputStream got = new ByteArrayOutputStream();
			byte[] buffer = new byte[64 * 1024];
			int n;
			while ((n = client.getInputStream().read(buffer)) >= 0) {
				got.write(buffer, 0, n);
				// Still slow at the end: bytes wait in the gateway when the upstream's
				// close comes, and must go out before the client's close.
				Thread.sleep(1);
			}
			assertThat(got.size()).isEqualTo(LARGE);
			assertThat(Arrays.equals(got.toByteArray(), large)).isTrue();
		}
		String upstreamHead = this.upstreamSawHead.get(10, TimeUnit.SECONDS);
		assertThat(upstreamHead).startsWith("POST /api/v1/namespaces/default/pods/box/exec?command=sh&stdout=true ")
			.contains("\r\nConnection: Upgrade\r\n")
			.contains("\r\nUpgrade: SPDY/3.1\r\n")
			.contains("\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n")
			.contains("\r\nX-Remote-User: alice\r\n");
	}

	@Test
	void aRefusalIsPassedOnAsTheUpstreamGaveItAndNothingIsRelayed() throws Exception {
		String status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
				+ "\"message\":\"pods \\\"box\\\" is forbidden\",\"reason\":\"Forbidden\",\"code\":403}";
		Thread.ofVirtual().start(() -> serve(upstream -> {
			upstream.getOutputStream()
				.write(("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: " + status.length()
						+ "\r\n\r\n" + status)
					.getBytes(StandardCharsets.ISO_8859_1));
			upstream.getOutputStream().flush();
			// The upstream keeps the connection open, as servers do after an answer.
			upstream.getInputStream().read();
		}));
		try (Socket client = new Socket("127.0.0.1", this.gateway.port())) {
			client.setSoTimeout(30_000);
			client.getOutputStream().write(request("v4.channel.k8s.io"));
			InputStream in = client.getInputStream();
			HttpHead head = HttpHead.read(in);
			assertThat(head.text()).startsWith("HTTP/1.1 403 ").containsIgnoringCase("content-type: application/json");
			assertThat(head.body(in)).isEqualTo(status);
		}
	}

	@Test
	void anHttpsApiserverIsA503SayingSoNotPlainTextToATlsPort() throws Exception {
		DisposableServer tlsGateway = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(
					WebHttpHandlerBuilder
						.webHandler((exchange) -> new SpdyTunnel(URI.create("https://127.0.0.1:"
								+ this.upstream.getLocalPort() + "/api/v1/namespaces/default/pods/box/exec"),
								new HttpHeaders())
							.run(exchange))
						.build()))
			.bindNow();
		try (Socket client = new Socket("127.0.0.1", tlsGateway.port())) {
			client.setSoTimeout(30_000);
			client.getOutputStream().write(request("v4.channel.k8s.io"));
			HttpHead head = HttpHead.read(client.getInputStream());
			assertThat(head.status()).isEqualTo(503);
			assertThat(head.body(client.getInputStream())).contains("relayed to http apiservers only, not https");
		}
		finally {
			tlsGateway.disposeNow();
		}
	}

	private interface Upstream {

		void serve(Socket socket) throws IOException;

	}

	private void serve(Upstream behaviour) {
		try (Socket socket = this.upstream.accept()) {
			this.upstreamSawHead.complete(HttpHead.read(socket.getInputStream()).text());
			behaviour.serve(socket);
		}
		catch (IOException ex) {
			this.upstreamSawHead.completeExceptionally(ex);
		}
	}

	private static byte[] request(String version) {
		return ("POST /api/v1/namespaces/default/pods/box/exec HTTP/1.1\r\nHost: gateway\r\n"
				+ "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: " + version
				+ "\r\nContent-Length: 0\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
	}

}
