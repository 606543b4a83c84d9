package io.stevedore.apiserver.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.stevedore.apiserver.kubelet.KubeletTransport;
import io.stevedore.machinery.errors.ApiException;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Copies a node agent's log stream to the client as it comes (kube-apiserver's
 * LocationStreamer): each chunk is flushed, so {@code kubectl logs -f} sees lines as the
 * container writes them; the agent's errors become a Status with its message. When the
 * client goes away the write fails and closing the upstream body ends the agent's stream.
 * <p>
 * Threading: one request thread per stream; the HTTP client is shared.
 */
final class LogStreamer {

	private final KubeletTransport.Http http;

	private final KubeletTransport kubelets;

	LogStreamer(KubeletTransport kubelets) {
		this.kubelets = kubelets;
		this.http = kubelets.http(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)));
	}

	void stream(URI plainLocation, HttpServletResponse response) throws IOException {
		URI location = this.kubelets.locate(plainLocation);
		HttpResponse<InputStream> upstream;
		try {
			upstream = this.http.get()
				.send(HttpRequest.newBuilder(location).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw ApiException.internal("interrupted while reaching the node at " + location.getAuthority());
		}
		catch (IOException ex) {
			throw ApiException.internal("Get \"" + location + "\": " + ex);
		}
		try (InputStream in = upstream.body()) {
			if (upstream.statusCode() != 200) {
				String message = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8).strip();
				throw switch (upstream.statusCode()) {
					case 400 -> ApiException.badRequest(message);
					case 404 -> ApiException.of(404, "NotFound", message);
					default -> ApiException.internal(message);
				};
			}
			response.setStatus(200);
			response.setContentType("text/plain");
			response.flushBuffer();
			OutputStream out = response.getOutputStream();
			byte[] buffer = new byte[8192];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
	}

}
