package io.stevedore.apiserver.http;

import java.io.IOException;
import java.util.Optional;

import io.stevedore.machinery.discovery.Discovery;
import io.stevedore.machinery.errors.ApiException;
import io.stevedore.machinery.openapi.OpenApi;
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

	private final OpenApi openApi;

	public DiscoveryEndpoints(Discovery discovery, OpenApi openApi) {
		this.discovery = discovery;
		this.openApi = openApi;
	}

	/**
	 * OpenAPI v2 and v3 documents, for kubectl explain and server-side field validation.
	 */
	@GetMapping({ "/openapi/v2", "/openapi/v3", "/openapi/v3/**" })
	public void openApi(HttpServletRequest request, HttpServletResponse response) throws IOException {
		OpenApi.Response document = this.openApi.serve(request.getRequestURI(), request.getHeader("Accept"))
			.orElseThrow(() -> ApiException.of(404, "NotFound", "the server could not find the requested resource"));
		write(request, response, document.contentType(), document.etag(), document.body());
	}

	@GetMapping("/version")
	public void version(HttpServletRequest request, HttpServletResponse response) throws IOException {
		serve(request, response);
	}

	/** Serves a discovery path, or answers 404 as Kubernetes does for unknown paths. */
	void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
			throw ApiException.of(405, "MethodNotAllowed",
					"the server does not allow this method on the requested " + "resource");
		}
		Optional<Discovery.Response> found = this.discovery.serve(request.getRequestURI(), request.getHeader("Accept"));
		if (found.isEmpty()) {
			throw ApiException.of(404, "NotFound", "the server could not find the requested resource");
		}
		Discovery.Response document = found.get();
		write(request, response, document.contentType(), document.etag(), document.body());
	}

	private static void write(HttpServletRequest request, HttpServletResponse response, String contentType, String etag,
			byte[] body) throws IOException {
		// already a quoted strong validator ("ABC..."): Discovery and OpenApi render it
		// so
		response.setHeader("ETag", etag);
		response.setHeader("Vary", "Accept");
		if (etag.equals(request.getHeader("If-None-Match"))) {
			response.setStatus(304);
			return;
		}
		response.setStatus(200);
		response.setContentType(contentType);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
