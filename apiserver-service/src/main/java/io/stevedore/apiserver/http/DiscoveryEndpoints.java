package io.stevedore.apiserver.http;

import java.io.IOException;
import java.util.Optional;

import io.stevedore.machinery.discovery.Discovery;
import io.stevedore.machinery.errors.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /version} and the discovery documents under /api and /apis (legacy and
 * aggregated), rendered once by api-machinery and served from memory.
 */
@Controller
public class DiscoveryEndpoints {

	private final Discovery discovery;

	public DiscoveryEndpoints(Discovery discovery) {
		this.discovery = discovery;
	}

	@GetMapping("/version")
	public void version(HttpServletRequest request, HttpServletResponse response) throws IOException {
		serve(request, response);
	}

	/** Serves a discovery path, or answers 404 as Kubernetes does for unknown paths. */
	void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
			throw ApiException.of(405, "MethodNotAllowed", "the server does not allow this method on the requested "
					+ "resource");
		}
		Optional<Discovery.Response> found = this.discovery.serve(request.getRequestURI(),
				request.getHeader("Accept"));
		if (found.isEmpty()) {
			throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
		}
		Discovery.Response document = found.get();
		String etag = "\"" + document.etag() + "\"";
		response.setHeader("ETag", etag);
		response.setHeader("Vary", "Accept");
		if (etag.equals(request.getHeader("If-None-Match"))) {
			response.setStatus(304);
			return;
		}
		response.setStatus(200);
		response.setContentType(document.contentType());
		response.setContentLength(document.body().length);
		response.getOutputStream().write(document.body());
	}

}
